#!/usr/bin/env python3
"""Top frames of a bench run's stream threads, from JFR CPU-time samples (issue 11's profiles).

    java -XX:StartFlightRecording=jdk.CPUTimeSample#enabled=true,filename=rec.jfr -jar streamrec.jar bench ...
    jfr print --events jdk.CPUTimeSample --stack-depth 64 rec.jfr > samples.txt
    jfr print --events jdk.CPUTimeSamplesLost rec.jfr > lost.txt      # optional
    python3 docs/jfr-top-frames.py samples.txt [lost.txt]

Keeps the samples of the threads named after the busiest streamrec-bench application id (its
StreamThreads and GlobalStreamThread: the bench's steady-state app, which processes the most events),
then prints the sample count (plus lost samples: the CPU-time sampler drops some when its queue is full),
the inclusive share of every project frame and of a few Kafka Streams / RocksDB / Avro frames (each frame
counted once per sample), and the top self frames. Samples are taken per CPU time, so the count over the
events the app processed is a CPU cost per event that depends little on the machine's load.
"""
import collections
import re
import sys

APP = re.compile(r'(streamrec-bench-[0-9a-f-]{36})')
KEYS = ('dev.streamrec', 'RecordCollectorImpl.send', 'NamedCache.flush', 'ThreadCache.maybeEvict', 'KStreamFlatMap',
        'RocksDB.get', 'RocksDB.put', 'AvroSerde', 'TaskExecutor.commit', 'StreamTask.process')


def thread_app(line):
    name = line.split('"')[1] if '"' in line else ''
    m = APP.match(name)
    return m.group(1) if m else None


def samples(path):
    frames, in_stack, thread = None, False, None
    for line in open(path, errors='replace'):
        s = line.strip()
        if s.startswith('jdk.CPUTimeSample'):
            frames, thread = [], None
        elif s.startswith('stackTrace = ['):
            in_stack = True
        elif in_stack:
            if s.startswith(']'):
                in_stack = False
            elif s != '...':
                frames.append(s.split('(')[0].split(' line:')[0])
        elif s.startswith('eventThread = '):
            thread = s
        elif s == '}' and frames is not None:
            yield thread, frames
            frames = None


def main():
    all_samples = [(thread_app(t), t, f) for t, f in samples(sys.argv[1]) if t and 'StreamThread' in t]
    apps = collections.Counter(a for a, _, _ in all_samples if a)
    app = apps.most_common(1)[0][0]
    mine = [f for a, _, f in all_samples if a == app]
    n = len(mine)
    lost = 0
    if len(sys.argv) > 2:
        count = 0
        for line in open(sys.argv[2]):
            s = line.strip()
            if s.startswith('lostSamples = '):
                count = int(s.split('=')[1])
            elif s.startswith('eventThread = ') and 'StreamThread' in s and thread_app(s) == app:
                lost += count
    print(f'app {app}: {n} stream-thread samples, {lost} lost')
    inclusive, self_time = collections.Counter(), collections.Counter()
    for f in mine:
        if f:
            self_time[f[0]] += 1
        for m in set(f):
            inclusive[m] += 1
    print('inclusive:')
    for m, c in inclusive.most_common():
        if any(k in m for k in KEYS) and c / n >= 0.005:
            print(f'{100 * c / n:5.1f}%  {m}')
    print('self:')
    for m, c in self_time.most_common(20):
        print(f'{100 * c / n:5.1f}%  {m}')


if __name__ == '__main__':
    main()
