#!/usr/bin/env python3
"""Where a haprobe JVM's time and allocations went, from a JFR recording, on the check threads only.

    jfr print --json --events jdk.ExecutionSample,jdk.ObjectAllocationSample rec.jfr > rec.json
    benchmarks/jfr-summary.py rec.json [THREAD_PREFIX]

THREAD_PREFIX defaults to haprobe- (the event loops haprobe-check-*, the listener thread haprobe-events): the
summary leaves out the main thread (config loading, the summary and the diagnoses after the run) and the JIT
and GC threads. Prints the share of execution samples per top frame (self) and per frame anywhere on the
stack (inclusive), and the share of sampled allocation weight per class and per allocating call site.
"""
import collections
import json
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    prefix = sys.argv[2] if len(sys.argv) > 2 else 'haprobe-'
    events = json.load(open(sys.argv[1]))['recording']['events']
    threads = collections.Counter()
    self_time, inclusive = collections.Counter(), collections.Counter()
    by_class, by_site = collections.Counter(), collections.Counter()
    samples = weight = 0
    for event in events:
        values = event['values']
        thread = (values.get('sampledThread') or values.get('eventThread') or {}).get('javaName') or '?'
        stack = values.get('stackTrace')
        frames = [f['method']['type']['name'].split('/')[-1] + '.' + f['method']['name']
                  for f in (stack['frames'] if stack else [])]
        if event['type'] == 'jdk.ExecutionSample':
            threads[thread] += 1
            if not thread.startswith(prefix):
                continue
            samples += 1
            if frames:
                self_time[frames[0]] += 1
            for frame in set(frames):
                inclusive[frame] += 1
        elif event['type'] == 'jdk.ObjectAllocationSample' and thread.startswith(prefix):
            weight += values['weight']
            by_class[values['objectClass']['name'].split('/')[-1]] += values['weight']
            by_site[' < '.join(frames[:3])] += values['weight']
    print('execution samples per thread:', ', '.join(f'{t} {n}' for t, n in threads.most_common(8)))
    print(f'\n{samples} samples on {prefix}* threads; self:')
    for frame, n in self_time.most_common(20):
        print(f'  {n * 100 / max(samples, 1):5.1f}%  {frame}')
    print('inclusive:')
    for frame, n in inclusive.most_common(40):
        print(f'  {n * 100 / max(samples, 1):5.1f}%  {frame}')
    print(f'\nsampled allocation weight on {prefix}* threads: {weight / 1e6:.0f} MB; by class:')
    for name, w in by_class.most_common(20):
        print(f'  {w * 100 / max(weight, 1):5.1f}%  {name}')
    print('by call site:')
    for site, w in by_site.most_common(25):
        print(f'  {w * 100 / max(weight, 1):5.1f}%  {site}')


if __name__ == '__main__':
    main()
