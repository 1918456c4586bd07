// SPDX-License-Identifier: GPL-2.0
/*
 * The costs of a P2P memory mapping itself, against anonymous memory, as
 * one JSON object of raw samples on stdout (bench/report.py derives the
 * figures). Runs in the guest:
 *
 *   p2pcost <pci-device-dir> <provider's block device> <rounds>
 *   p2pcost --probe <file>     exit 0 if one page of <file> can be mapped
 *
 * P2P memory is mapped from <pci-device-dir>/p2pmem/allocate; anonymous
 * memory is private (what malloc() gives), or shared where a figure says
 * so. Rounds of the kinds are interleaved. Before each measurement, of
 * every kind, the pool is let settle (available back to its size), so
 * that the clearing of a freed P2P buffer, which stores to the BAR from
 * the other CPU, lands in no figure but its own: the settle time, and
 * the fault-in straight after a free. The last test unbinds and rebinds
 * the provider.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1UL << 20)
#define HUGE (2 * MIB)
#define FAULT_LEN (16 * MIB)
#define EXIT_MAPPINGS 1000
#define UNBIND_MAPPINGS 100
#define TABLE_LEN (64 * MIB)
/* Fault-in figures are the noisiest: this many samples per round. */
#define FAULT_SAMPLES 3

static const char *pci_dir;
static char alloc_path[PATH_MAX];
static const char *ns_path;
static int ns_fd;
static long page_size;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "p2pcost: ");
	vfprintf(stderr, fmt, ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static long read_long(const char *name)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/p2pmem/%s", pci_dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

/* Microseconds until the provider's pool is whole again (-1: 10 s passed). */
static double settle(void)
{
	long size = read_long("size");
	double t0 = now_us();

	while (read_long("available") != size) {
		if (now_us() - t0 > 10e6)
			return -1;
		usleep(200);
	}
	return now_us() - t0;
}

enum kind { ANON, P2P, SHARED_ANON };

/*
 * Where a mapping of @len goes: mappings of 2 MiB or more start on a
 * 2 MiB boundary, of every kind and on both kernels, as a process that
 * wants 2 MiB page table entries places them (for P2P memory through
 * sysfs, see the series' Documentation/driver-api/pci/p2pdma.rst). A
 * range 2 MiB larger is reserved; the mapping goes over its first
 * boundary, MAP_FIXED. NULL: anywhere.
 */
static void *place(size_t len)
{
	size_t span = len + HUGE;
	char *r, *p;

	if (len < HUGE)
		return NULL;
	r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		die("reserve %zu", span);
	p = (char *)(((uintptr_t)r + HUGE - 1) & ~(HUGE - 1));
	if (p > r)
		munmap(r, p - r);
	if (p + len < r + span)
		munmap(p + len, r + span - (p + len));
	return p;
}

static void *map(enum kind kind, size_t len)
{
	void *want = place(len);
	int fixed = want ? MAP_FIXED : 0;
	void *p;
	int fd;

	if (kind != P2P) {
		p = mmap(want, len, PROT_READ | PROT_WRITE,
			 (kind == ANON ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS | fixed,
			 -1, 0);
		if (p == MAP_FAILED)
			die("mmap anonymous %zu", len);
		return p;
	}
	fd = open(alloc_path, O_RDWR);
	if (fd < 0)
		die("open %s", alloc_path);
	p = mmap(want, len, PROT_READ | PROT_WRITE, MAP_SHARED | fixed, fd, 0);
	if (p == MAP_FAILED)
		die("mmap %s %zu", alloc_path, len);
	close(fd);
	return p;
}

/*
 * Open the provider's block device, @path; after a rebind, once its
 * namespace is back, which may be a moment after the CMB is published.
 * The name must still be the provider's own.
 */
static void open_ns(const char *path)
{
	char pattern[PATH_MAX];
	double t0 = now_us();
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/nvme/nvme*/%s", pci_dir,
		 strrchr(path, '/') + 1);
	for (;;) {
		if (!glob(pattern, 0, NULL, &g)) {
			/* devtmpfs adds the node just after sysfs has the disk. */
			ns_fd = open(path, O_RDWR | O_DIRECT);
			if (ns_fd >= 0 || errno != ENOENT)
				break;
		}
		globfree(&g);
		if (now_us() - t0 > 30e6)
			die("%s is not %s's namespace", path, pci_dir);
		usleep(10000);
	}
	globfree(&g);
	if (ns_fd < 0)
		die("open %s", path);
}

/* One O_DIRECT pass over the buffer, 1 MiB a read. */
static void read_pass(char *buf, size_t len)
{
	for (size_t off = 0; off < len; off += MIB)
		if (pread(ns_fd, buf + off, MIB, off) != (ssize_t)MIB)
			die("pread at %zu", off);
}

static long vm_pte_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * One read into a host buffer, untimed, just before a timed first pass:
 * after settle()'s sleep, the first request would also pay for waking the
 * idle guest and QEMU's I/O path, which the warm pass does not.
 */
static void wake_io(void)
{
	static char *host;

	if (!host) {
		host = aligned_alloc(MIB, MIB);
		if (!host)
			die("aligned_alloc");
		memset(host, 1, MIB);
	}
	if (pread(ns_fd, host, MIB, FAULT_LEN) != (ssize_t)MIB)
		die("pread at %lu", FAULT_LEN);
}

/*
 * mmap plus the first O_DIRECT pass into a fresh buffer, minus a warm
 * pass over the same buffer: what mapping and faulting cost, per MiB.
 */
static double fault_in(enum kind kind)
{
	double t0, t1, t2;
	char *buf;

	wake_io();
	t0 = now_us();
	buf = map(kind, FAULT_LEN);
	read_pass(buf, FAULT_LEN);
	t1 = now_us();
	read_pass(buf, FAULT_LEN);
	t2 = now_us();
	munmap(buf, FAULT_LEN);
	return ((t1 - t0) - (t2 - t1)) / (FAULT_LEN / MIB);
}

/*
 * The same cost without I/O, whose time varies by more than the fault
 * costs: mmap plus one CPU store per 2 MiB, per MiB. Where both sides map
 * 2 MiB pages (P2P memory with PMDs; anonymous memory with THP, as in the
 * test bed) each store faults in 2 MiB; a kernel that maps at mmap() pays
 * it there. Stores to P2P memory are not timed beyond these eight.
 */
static double store_fault_in(enum kind kind)
{
	double t0, t1;
	char *buf;

	t0 = now_us();
	buf = map(kind, FAULT_LEN);
	for (size_t off = 0; off < FAULT_LEN; off += HUGE)
		*(volatile char *)(buf + off) = 1;
	t1 = now_us();
	munmap(buf, FAULT_LEN);
	return (t1 - t0) / (FAULT_LEN / MIB);
}

/*
 * A child maps @n one-page buffers and touches each; returns its pid
 * once it is ready. It exits when @go is written or closed. Private
 * anonymous mappings are kept a page apart: side by side they would
 * merge into one.
 */
static pid_t holder(enum kind kind, int n, int *go)
{
	int ready[2], gopipe[2];
	char c;
	pid_t pid;

	if (pipe(ready) || pipe(gopipe))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(ready[0]);
		close(gopipe[1]);
		for (int i = 0; i < n; i++) {
			char *p = map(kind, kind == ANON ? 2 * page_size : page_size);

			if (kind == ANON)
				munmap(p + page_size, page_size);
			*(volatile char *)p = 1;
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		if (read(gopipe[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(gopipe[0]);
	if (read(ready[0], &c, 1) != 1)
		die("holder of %d mappings died", n);
	close(ready[0]);
	*go = gopipe[1];
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
}

/* From telling a holder of 1,000 one-page mappings to exit to its reaping. */
static double exit_cost(enum kind kind)
{
	int go;
	pid_t pid = holder(kind, EXIT_MAPPINGS, &go);
	double t0 = now_us();

	close(go);
	reap(pid);
	return now_us() - t0;
}

/* After a process that used 16 MiB exits: until the pool is whole again. */
static double settle_after_exit(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		char *buf = map(P2P, FAULT_LEN);

		read_pass(buf, FAULT_LEN);
		_exit(0);
	}
	reap(pid);
	return settle();
}

static void sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		die("open %s", path);
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		die("write %s to %s", val, path);
	close(fd);
}

/* The time the nvme unbind of the provider takes with @n live mappings. */
static double unbind(int n)
{
	const char *bdf = strrchr(pci_dir, '/') + 1;
	pid_t pid = 0;
	double t0, t;
	int go = -1;

	if (n)
		pid = holder(P2P, n, &go);
	t0 = now_us();
	sysfs_write("/sys/bus/pci/drivers/nvme/unbind", bdf);
	t = now_us() - t0;
	if (n) {
		close(go);
		reap(pid);
	}
	sysfs_write("/sys/bus/pci/drivers/nvme/bind", bdf);
	/* The CMB is published again once the controller is live. */
	t0 = now_us();
	while (read_long("published") != 1 || settle() < 0) {
		if (now_us() - t0 > 60e6)
			die("%s did not publish its CMB again", bdf);
		usleep(10000);
	}
	return t;
}

static double median_of(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void print_samples(const char *name, double *v, int n, int last)
{
	printf("  \"%s\": [", name);
	for (int i = 0; i < n; i++)
		printf("%s%.1f", i ? ", " : "", v[i]);
	printf("]%s\n", last ? "" : ",");
}

static int probe(const char *path)
{
	int fd = open(path, O_RDWR);
	void *p;

	if (fd < 0)
		return 1;
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED;
}

int main(int argc, char **argv)
{
	double fp[16 * FAULT_SAMPLES], fa[16 * FAULT_SAMPLES];
	double sp[16 * FAULT_SAMPLES], sa[16 * FAULT_SAMPLES];
	double ep[16], ea[16], es[16], s[16], u0[16], u100[16];
	double mp[16], ma[16], refault[16], first[16];
	long pte_p2p, pte_anon, before;
	int rounds, samples;
	char *buf;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc == 3 && !strcmp(argv[1], "--probe"))
		return probe(argv[2]);
	if (argc != 4)
		die("usage: p2pcost <pci-device-dir> <block device> <rounds>");
	pci_dir = argv[1];
	rounds = atoi(argv[3]);
	if (rounds < 1 || rounds > 16)
		die("rounds must be 1..16");
	samples = rounds * FAULT_SAMPLES;
	snprintf(alloc_path, sizeof(alloc_path), "%s/p2pmem/allocate", pci_dir);
	ns_path = argv[2];
	open_ns(ns_path);
	if (settle() < 0)
		die("%s: pool not whole at the start", pci_dir);

	for (int i = 0; i < samples; i++) {
		settle();
		fp[i] = fault_in(P2P);
		settle();
		fa[i] = fault_in(ANON);
		settle();
		sp[i] = store_fault_in(P2P);
		settle();
		sa[i] = store_fault_in(ANON);
	}
	for (int i = 0; i < rounds; i++) {
		settle();
		fault_in(P2P);
		/* Straight after the free: the clearing may not be done. */
		refault[i] = fault_in(P2P);
	}
	for (int i = 0; i < rounds; i++) {
		settle();
		ep[i] = exit_cost(P2P);
		settle();
		ea[i] = exit_cost(ANON);
		settle();
		es[i] = exit_cost(SHARED_ANON);
	}
	for (int i = 0; i < rounds; i++) {
		settle();
		s[i] = settle_after_exit();
	}

	/* A 64 MiB buffer: mmap() time, and page tables once all faulted in. */
	for (int i = 0; i < rounds; i++) {
		double t0;

		settle();
		t0 = now_us();
		buf = map(P2P, TABLE_LEN);
		mp[i] = now_us() - t0;
		munmap(buf, TABLE_LEN);
		t0 = now_us();
		buf = map(ANON, TABLE_LEN);
		ma[i] = now_us() - t0;
		munmap(buf, TABLE_LEN);
	}
	settle();
	before = vm_pte_kib();
	buf = map(P2P, TABLE_LEN);
	read_pass(buf, TABLE_LEN);
	pte_p2p = vm_pte_kib() - before;
	munmap(buf, TABLE_LEN);
	before = vm_pte_kib();
	buf = map(ANON, TABLE_LEN);
	read_pass(buf, TABLE_LEN);
	pte_anon = vm_pte_kib() - before;
	munmap(buf, TABLE_LEN);

	for (int i = 0; i < rounds; i++) {
		settle();
		close(ns_fd);
		u0[i] = unbind(0);
		/* The first buffer of a pool that nobody used since the bind. */
		open_ns(ns_path);
		first[i] = fault_in(P2P);
		close(ns_fd);
		settle();
		u100[i] = unbind(UNBIND_MAPPINGS);
		open_ns(ns_path);
	}
	close(ns_fd);

	printf("{\n");
	print_samples("fault_in_us_per_mib_p2p", fp, samples, 0);
	print_samples("fault_in_us_per_mib_anon", fa, samples, 0);
	print_samples("store_fault_in_us_per_mib_p2p", sp, samples, 0);
	print_samples("store_fault_in_us_per_mib_anon", sa, samples, 0);
	print_samples("fault_in_after_free_us_per_mib_p2p", refault, rounds, 0);
	print_samples("exit_1000_mappings_us_p2p", ep, rounds, 0);
	print_samples("exit_1000_mappings_us_anon", ea, rounds, 0);
	print_samples("exit_1000_mappings_us_shared_anon", es, rounds, 0);
	print_samples("available_whole_after_exit_us", s, rounds, 0);
	print_samples("mmap_64mib_us_p2p", mp, rounds, 0);
	print_samples("mmap_64mib_us_anon", ma, rounds, 0);
	printf("  \"page_tables_64mib_kib_p2p\": %ld,\n", pte_p2p);
	printf("  \"page_tables_64mib_kib_anon\": %ld,\n", pte_anon);
	print_samples("fault_in_first_after_bind_us_per_mib_p2p", first, rounds, 0);
	print_samples("unbind_us_no_mappings", u0, rounds, 0);
	print_samples("unbind_us_100_mappings", u100, rounds, 1);
	printf("}\n");
	fprintf(stderr, "p2pcost: fault-in P2P/anon %.3f (by store %.3f), exit P2P/anon %.3f, unbind 100/none %.3f\n",
		median_of(fp, samples) / median_of(fa, samples),
		median_of(sp, samples) / median_of(sa, samples),
		median_of(ep, rounds) / median_of(ea, rounds),
		median_of(u100, rounds) / median_of(u0, rounds));
	return 0;
}
