import re, subprocess, os, json, concurrent.futures as cf
L=open('/tmp/cfg.txt').read().split('\n')
DK=open('/tmp/dk.txt').read().split('\n')
def heads(a,b):
    out=set()
    for l in L[a-1:b-1]:
        m=re.match(r'^([a-z][a-z0-9_.\-]*)(\s|$)',l)
        if m: out.add(m.group(1))
    return out
# matrix
matrix={}   # phrase -> flags
for l in L[3936+17:4140]:
    m=re.match(r'^([a-z][^ ].*?)\s{2,}(\(.*?\)\s+)?(X|-)(\s\(!\))?\s+(X|-)\s+(X|-)\s+(X|-)\s*$', l)
    if m:
        ph=m.group(1).strip(); flags=''.join(c for c,v in zip('dflb',[m.group(3),m.group(5),m.group(6),m.group(7)]) if v=='X')
        matrix[ph]=flags
# dK cfg sections
sec=None; dkcfg={}
for l in DK[78:571]:
    if l and not l.startswith('\t'): sec=l.strip(); continue
    if sec and l.startswith('\t'): dkcfg.setdefault(sec,[]).append(l.strip())
cand={}
cand['global']=heads(1167,3228)|{x.split()[0] for x in dkcfg['global']}|{'debug','nbproc','description','ssl-server-verify'}
proxy=set(p.split()[0] for p in matrix)|{x.split()[0] for x in dkcfg['listen']}
cand['proxy']=proxy
cand['option']=set(p.split()[1] for p in matrix if p.startswith('option '))|{x.split()[1] for x in dkcfg['listen'] if x.startswith('option ')}
for s,(a,b) in {'userlist':(3228,3282),'peers':(3282,3455),'mailers':(3455,3495),'program':(3495,3537),'http-errors':(3537,3575),'ring':(3575,3721),'log-forward':(3721,3794),'resolvers':(15866,16044),'cache':(16068,16166),'fcgi-app':(23242,23378)}.items():
    cand[s]=heads(a,b)
json.dump({k:sorted(v) for k,v in cand.items()},open('cand.json','w'),indent=0)
json.dump(matrix,open('matrix.json','w'),indent=0)
json.dump(dkcfg,open('dkcfg.json','w'),indent=0)
print({k:len(v) for k,v in cand.items()})
