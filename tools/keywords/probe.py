import json, subprocess, os, concurrent.futures as cf, re, tempfile
cand=json.load(open('cand.json'))
def run(text):
    fd,p=tempfile.mkstemp(suffix='.cfg',dir='/tmp/kw/t'); os.write(fd,text.encode()); os.close(fd)
    try:
        r=subprocess.run(['haproxy','-c','-f',p],capture_output=True,text=True,timeout=10,stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        os.unlink(p); return -1,'TIMEOUT'
    os.unlink(p)
    return r.returncode, '\n'.join(l for l in (r.stdout+r.stderr).split('\n') if 'ALERT' in l or 'WARNING' in l)
os.makedirs('/tmp/kw/t',exist_ok=True)
jobs=[]
hdr={'global':'global\n','userlist':'userlist u\n','peers':'peers p\n','mailers':'mailers m\n','program':'program p\n','http-errors':'http-errors h\n','ring':'ring r\n','log-forward':'log-forward lf\n','resolvers':'resolvers r\n','cache':'cache c\n','fcgi-app':'fcgi-app f\n'}
for s,kws in cand.items():
    if s=='proxy':
        for k in kws:
            for kind,h in [('d','defaults d\n'),('f','frontend f\n'),('l','listen l\n'),('b','backend b\n')]:
                jobs.append((s+':'+kind,k,h+'  '+k+'\n'))
    elif s=='option':
        for k in kws:
            for kind,h in [('d','defaults d\n'),('f','frontend f\n'),('l','listen l\n'),('b','backend b\n')]:
                jobs.append((s+':'+kind,k,h+'  option '+k+'\n'))
    else:
        for k in kws: jobs.append((s,k,hdr[s]+'  '+k+'\n'))
res={}
with cf.ThreadPoolExecutor(4) as ex:
    for (s,k,t),(rc,out) in zip(jobs, ex.map(lambda j: run(j[2]), jobs)):
        res.setdefault(s,{})[k]=(rc,out)
json.dump(res,open('probe.json','w'))
