"""Builds haprobe's keyword catalog of HAProxy 2.6 from the installed haproxy: candidates from the manual's keyword
lists and `haproxy -dKall`, each kept only if `haproxy -c` does not call it unknown. Output: TSV on stdout."""
import json, re, sys
cand=json.load(open('cand.json')); probe=json.load(open('probe.json')); matrix=json.load(open('matrix.json'))
dkcfg=json.load(open('dkcfg.json'))
DK=open('/tmp/dk.txt').read().split('\n')
SECTION_WORDS={'global','defaults','frontend','listen','backend','userlist','peers','mailers','program','http-errors','ring','log-forward','resolvers','cache','fcgi-app'}
out=[]
def unknown(o): return 'unknown keyword' in o or 'unknown option' in o
def needs_arg(rc,o):
    if not (rc==1 and ':2]' in o and 'not allowed' not in o and 'not available' not in o): return False
    return '1'
for k in sorted(cand['global']):
    rc,o=probe['global'][k]
    if unknown(o) or k in SECTION_WORDS: continue
    out.append(('global',k,'-',needs_arg(rc,o) or '0'))
for k in sorted(cand['proxy']):
    if k in SECTION_WORDS: continue
    flags=set()
    for ph,f in matrix.items():
        if ph.split()[0]==k: flags|=set(f)
    if not flags: flags=set('dflb')
    rc,o=probe['proxy:l'][k]
    if unknown(o): continue
    out.append(('proxy',k,''.join(c for c in 'dflb' if c in flags),needs_arg(rc,o) or '0'))
for k in ['server','server-template','option','no','default','timeout','hash-balance-factor','stick-table','stick','monitor','monitor-uri','redirect','use-server','tcp-request','tcp-response','http-request','http-response','http-after-response','http-check','tcp-check','stats','capture','email-alert','persist','rate-limit','unique-id-format','unique-id-header','use_backend','default_backend']:
    if not any(r[0]=='proxy' and r[1]==k for r in out):
        out.append(('proxy',k,'dflb' if k not in ('server','server-template') else 'lb','1'))
for k in sorted(cand['option']):
    flags=set()
    for ph,f in matrix.items():
        if ph.split()[:2]==['option',k]: flags|=set(f)
    if not flags: flags=set('dflb')
    out.append(('option',k,''.join(c for c in 'dflb' if c in flags),'0'))
for k in ['client','server','connect','check','queue','http-keep-alive','http-request','tunnel','tarpit','client-fin','server-fin']:
    f=matrix.get('timeout '+k,'dflb'); out.append(('timeout',k,f,'1'))
for s in ['userlist','peers','mailers','program','http-errors','ring','log-forward','resolvers','cache','fcgi-app']:
    for k in sorted(cand[s]):
        rc,o=probe[s][k]
        if unknown(o) or k in SECTION_WORDS: continue
        out.append((s,k,'-',needs_arg(rc,o) or '0'))
# server and bind options with arities from -dK
for l in DK:
    m=re.match(r'\tserver <name> <addr> (\S+)(?: \+(-?\d+)| \+-1)?', l)
    if m: out.append(('server',m.group(1),'-', '1' if '+1' in l else ('?' if '+-1' in l else '0')))
    m=re.match(r'\tbind <addr> (?:ssl )?(\S+)(?: \+(\d+))?', l)
    if m: out.append(('bind',m.group(1),'-','1' if m.group(2) else '0'))
# actions, from haproxy's own 'expects ...' lists
acts={
'http-request':"wait-for-handshake ot-group set-log-level set-nice use-service sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group do-resolve* cache-use add-acl* add-header allow auth capture del-acl* del-header del-map* deny disable-l7-retry early-hint normalize-uri redirect reject replace-header replace-path replace-pathq replace-uri replace-value return set-header set-map* set-method set-path set-pathq set-query set-uri strict-mode tarpit track-sc* set-timeout wait-for-body set-var-fmt* set-var* unset-var* set-dst set-dst-port set-mark set-src set-src-port set-tos silent-drop set-priority-class set-priority-offset",
'http-response':"ot-group set-log-level set-nice sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group cache-store add-acl* add-header allow capture del-acl* del-header del-map* deny redirect replace-header replace-value return set-header set-map* set-status strict-mode track-sc* wait-for-body set-var-fmt* set-var* unset-var* set-mark set-tos silent-drop",
'http-after-response':"ot-group add-header allow capture del-header replace-header replace-value set-header set-status strict-mode set-var-fmt* set-var* unset-var*",
'tcp-request connection':"accept reject capture expect-proxy expect-netscaler-cip track-sc0 track-sc1 track-sc2 sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* set-var-fmt* set-var* unset-var* set-dst set-dst-port set-mark set-src set-src-port set-tos silent-drop",
'tcp-request session':"accept reject capture expect-proxy expect-netscaler-cip track-sc0 track-sc1 track-sc2 sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* set-var-fmt* set-var* unset-var* set-dst set-dst-port set-mark set-src set-src-port set-tos silent-drop",
'tcp-request content':"accept reject capture expect-proxy expect-netscaler-cip track-sc0 track-sc1 track-sc2 ot-group set-log-level set-nice switch-mode use-service sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group do-resolve* set-var-fmt* set-var* unset-var* set-src set-src-port set-dst set-dst-port set-mark set-tos silent-drop set-priority-class set-priority-offset",
'tcp-response content':"accept close reject ot-group set-log-level set-nice sc-inc-gpc* sc-inc-gpc0* sc-inc-gpc1* sc-set-gpt* sc-set-gpt0* send-spoe-group set-var-fmt* set-var* unset-var* set-mark set-tos silent-drop",
'http-check':"disable-on-404 send-state comment connect send expect set-var-fmt* set-var* unset-var*",
'tcp-check':"comment connect send send-lf send-binary send-binary-lf expect set-var-fmt* set-var* unset-var*",
'stats':"admin uri realm auth scope enable hide-version show-node show-desc show-legends show-modules refresh http-request",
'balance':"roundrobin static-rr leastconn source uri url_param hdr* rdp-cookie* first random* hash",
'mode':"tcp http health",
}
for ctx,words in acts.items():
    for w in words.split():
        out.append(('word',ctx,w,'0'))
sec=None
for l in DK:
    if l.startswith('# List of registered sample fetch'): sec='fetch'; continue
    if l.startswith('# List of registered sample converter'): sec='converter'; continue
    if l.startswith('# List of registered ACL'): sec='aclkw'; continue
    if l.startswith('#'): 
        if 'registered' in l: sec=None
        continue
    if sec=='aclkw' and '=' in l: out.append(('fetch',l.split('=')[0].strip(),'-','0'))
    elif sec in ('fetch','converter') and l.strip():
        name=l.split()[-1] if sec=='fetch' else re.sub(r'[(:].*','',l.split()[0])
        if sec=='fetch':
            m=re.match(r'^\[[ Y.]*\] ([^(:]+)',l)
            if not m: continue
            name=m.group(1)
        out.append((sec,re.sub(r'\(.*','',name),'-','0'))
out.append(('bind','ssl','-','0'))
out.append(('program','no','-','1'))
out.append(('log-forward','timeout','-','1'))  # 'timeout client', missed by the single-word probe  # 'no option start-on-reload'
for a in "FALSE HTTP HTTP_1.0 HTTP_1.1 HTTP_2.0 HTTP_CONTENT HTTP_URL_ABS HTTP_URL_SLASH HTTP_URL_STAR LOCALHOST METH_CONNECT METH_DELETE METH_GET METH_HEAD METH_OPTIONS METH_POST METH_PUT METH_TRACE RDP_COOKIE REQ_CONTENT TRUE WAIT_END".split():
    out.append(('acl-predefined',a,'-','0'))
TIMES={('global','max-spread-checks'),('global','hard-stop-after'),('global','grace'),('global','close-spread-time'),('global','tune.idletimer'),('global','tune.lua.session-timeout'),('global','tune.lua.task-timeout'),('global','tune.lua.service-timeout'),('proxy','clitcpka-idle'),('proxy','clitcpka-intvl'),('proxy','srvtcpka-idle'),('proxy','srvtcpka-intvl')}
out=[(a,b,c,'t' if (a,b) in TIMES else d) for a,b,c,d in out]
seen=set()
print("# HAProxy 2.6.12 keywords, generated by tools/keywords/generate.py from haproxy -dKall and the 2.6 manual's keyword lists,")
print("# each kept only where haproxy -c 2.6.12 does not call it unknown.")
print("# kind\tkeyword\tflags (d,f,l,b: allowed in defaults, frontend, listen, backend; '-' otherwise)\targuments (1: needs one, 0: none needed, ?: optional)")
for r in out:
    if r[:3] in seen: continue
    seen.add(r[:3]); print('\t'.join(r))
