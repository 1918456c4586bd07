// SPDX-License-Identifier: GPL-2.0
/*
 * Copy a range of one block device to another with O_DIRECT through one
 * buffer, and print the throughput. The buffer is host memory, or, when a
 * file is given, a MAP_SHARED mapping of it: a PCI device's
 * p2pmem/allocate file or an NVMe controller's char device, so that the
 * data moves device to device.
 *
 *   p2pcopy SRC SRC_OFFSET DST DST_OFFSET BYTES CHUNK [BUFFER_FILE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "p2pcopy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'K': v <<= 10; break;
	case 'M': v <<= 20; break;
	case 'G': v <<= 30; break;
	case '\0': break;
	default:
		fprintf(stderr, "p2pcopy: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long src_off, dst_off, bytes, chunk, done;
	struct timespec t0, t1;
	int src, dst;
	double secs;
	void *buf;

	if (argc != 7 && argc != 8) {
		fprintf(stderr, "usage: p2pcopy SRC SRC_OFFSET DST DST_OFFSET BYTES CHUNK [BUFFER_FILE]\n");
		return 2;
	}
	src_off = number(argv[2]);
	dst_off = number(argv[4]);
	bytes = number(argv[5]);
	chunk = number(argv[6]);
	if (!chunk || bytes % chunk) {
		fprintf(stderr, "p2pcopy: BYTES must be a multiple of CHUNK\n");
		return 2;
	}

	src = open(argv[1], O_RDONLY | O_DIRECT);
	if (src < 0)
		die(argv[1]);
	dst = open(argv[3], O_WRONLY | O_DIRECT);
	if (dst < 0)
		die(argv[3]);

	if (argc == 8) {
		int fd = open(argv[7], O_RDWR);

		if (fd < 0)
			die(argv[7]);
		buf = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (buf == MAP_FAILED)
			die("mmap of the buffer file");
		close(fd);
	} else {
		errno = posix_memalign(&buf, 4096, chunk);
		if (errno)
			die("posix_memalign");
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (done = 0; done < bytes; done += chunk) {
		ssize_t n = pread(src, buf, chunk, src_off + done);

		if (n != (ssize_t)chunk)
			die(n < 0 ? "read" : "short read");
		n = pwrite(dst, buf, chunk, dst_off + done);
		if (n != (ssize_t)chunk)
			die(n < 0 ? "write" : "short write");
	}
	if (fsync(dst))
		die("fsync");
	clock_gettime(CLOCK_MONOTONIC, &t1);

	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%llu MiB in %.3f s: %.1f MiB/s\n", bytes >> 20, secs,
	       (bytes / 1048576.0) / secs);
	return 0;
}
