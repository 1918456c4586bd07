#!/bin/bash
# fio's exec_prerun of the job that runs before each bench job
# (bench/guest.sh):
#   next-job.sh <p2pmem dir> <progress line...>
# Waits until the provider's pool is whole again, so that a job neither
# fails nor is measured short of memory because the buffers of the job
# before are still being cleared and freed (p2pcost measures that time on
# its own), then prints the progress line where guest.sh's output goes
# ($BENCH_PROGRESS): fio sends this script's own output to a file.
pool=$1
shift
whole() { [ "$(cat "$pool/available")" = "$(cat "$pool/size")" ]; }
deadline=$((SECONDS + 30))
while ! whole && [ "$SECONDS" -lt "$deadline" ]; do
	sleep 0.05
done
whole || echo "bench: $pool/available still short of its size after 30 s" >> "$BENCH_PROGRESS"
echo "$*" >> "$BENCH_PROGRESS"
