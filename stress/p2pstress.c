// SPDX-License-Identifier: GPL-2.0
/*
 * Churn a P2P memory provider while others use it. Runs in the guest:
 *
 *   p2pstress <cycles> <churned-pci-dir> <steady-pci-dir> <steady-block-device>
 *
 * For <cycles> cycles the churned provider is unbound and bound again
 * (every fourth cycle its controller is reset instead), while:
 *
 * - a steady worker moves data disk -> the steady provider's P2P memory ->
 *   disk -> host memory with O_DIRECT and checks every byte: this must
 *   never fail;
 * - a doomed worker does the same through mappings of the churned
 *   provider: its I/O may fail (an errno) and its loads may raise SIGBUS
 *   once the mapping is revoked, but a transfer that succeeded must have
 *   carried the right bytes;
 * - a churner maps the churned provider and forks, mremaps, unmaps part
 *   of a mapping, drops it with MADV_DONTNEED, makes many small mappings
 *   and exits with mappings live, checking the data each time it is
 *   still mapped.
 *
 * All I/O goes to the steady provider's namespace (the churned one's goes
 * away with its driver), to regions of their own. At the end both pools
 * must be whole again. The results are TAP lines; a summary precedes them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KIB (1UL << 10)
#define MIB (1UL << 20)
#define XFER MIB		/* one O_DIRECT transfer */
#define SAMPLES 16		/* words checked by the CPU per transfer */
#define STEADY_BASE 0		/* the steady worker's region of the disk */
#define DOOMED_BASE (256 * MIB)	/* the doomed worker's */
#define REGION (256 * MIB)
#define RESET_EVERY 4

enum count {
	STEADY_BYTES,		/* bytes through the steady provider, verified */
	STEADY_ERRORS,		/* anything wrong in the steady worker */
	DOOMED_BYTES,		/* bytes through the churned provider, verified */
	DOOMED_IO_ERRORS,	/* a failed transfer (errno) */
	DOOMED_SIGBUS,		/* a revoked mapping touched */
	DOOMED_NO_MAPPING,	/* allocate absent or mmap refused */
	HOST_ERRORS,		/* a transfer to or from host memory failed */
	WRONG_BYTES,		/* wrong data from a live mapping: never */
	CHURN_OPS,		/* churner operations completed with data checked */
	CHURN_REVOKED,		/* churner operations cut short by a revoke */
	CHURN_NO_MAPPING,	/* allocate absent or mmap refused */
	CHURN_ERRORS,		/* wrong data, or a call on a mapping failed */
	NR_COUNTS
};

static const char * const count_names[NR_COUNTS] = {
	[STEADY_BYTES] = "steady bytes verified",
	[STEADY_ERRORS] = "steady errors",
	[DOOMED_BYTES] = "doomed bytes verified",
	[DOOMED_IO_ERRORS] = "doomed transfers failed",
	[DOOMED_SIGBUS] = "doomed SIGBUS",
	[DOOMED_NO_MAPPING] = "doomed mappings refused",
	[HOST_ERRORS] = "host-memory transfers failed",
	[WRONG_BYTES] = "wrong bytes from a live mapping",
	[CHURN_OPS] = "churn operations checked",
	[CHURN_REVOKED] = "churn operations revoked",
	[CHURN_NO_MAPPING] = "churn mappings refused",
	[CHURN_ERRORS] = "churn errors",
};

#define NR_ERRNO 134		/* errno values counted one by one */

/* Shared by every process, in a MAP_SHARED anonymous mapping. */
struct shared {
	long long count[NR_COUNTS];
	long long refused[NR_ERRNO];	/* mappings refused, by errno */
	long long failed[NR_ERRNO];	/* doomed transfers failed, by errno */
	int stop;
};

static struct shared *sh;
static const char *churned_pci, *steady_pci, *steady_ns;
static long page_size;
static sigjmp_buf sigbus_jmp;

static void add(enum count c, long long n)
{
	__atomic_add_fetch(&sh->count[c], n, __ATOMIC_RELAXED);
}

static void add_errno(long long *by_errno, int err)
{
	__atomic_add_fetch(&by_errno[err > 0 && err < NR_ERRNO ? err : 0], 1,
			   __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_sigbus(int sig __attribute__((unused)))
{
	siglongjmp(sigbus_jmp, 1);
}

static long long read_ll(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 0);
}

static int write_str(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

/* The word at byte @off of transfer @seq: never the same twice. */
static uint64_t pattern(uint64_t seq, size_t off)
{
	return (seq << 32) ^ off ^ 0x5a5a5a5a00000000ULL;
}

static void fill(uint64_t *buf, size_t len, uint64_t seq)
{
	for (size_t i = 0; i < len / 8; i++)
		buf[i] = pattern(seq, i * 8);
}

/* The first byte offset of @buf that does not hold @seq's pattern, or -1. */
static long mismatch(const uint64_t *buf, size_t len, uint64_t seq)
{
	for (size_t i = 0; i < len / 8; i++)
		if (buf[i] != pattern(seq, i * 8))
			return i * 8;
	return -1;
}

static int map_file(const char *path, size_t len, void **addr)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return -1;
	*addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return *addr == MAP_FAILED ? -1 : 0;
}

static bool full_io(ssize_t n)
{
	return n == (ssize_t)XFER;
}

/*
 * disk A -> P2P buffer -> disk B -> host buffer, with @seq's pattern
 * written to A first from @host. Returns 0 and the bytes verified, or
 * the step that failed: 1 seeding A, 2 the read into P2P memory, 3 the
 * CPU's check of it (SIGBUS lands in the caller), 4 the write from it,
 * 5 the read back; -1 for wrong bytes after every step succeeded.
 */
static int transfer(int fd, volatile uint64_t *p2p, uint64_t *host,
		    off_t a, off_t b, uint64_t seq, int *err)
{
	*err = 0;
	fill(host, XFER, seq);
	if (!full_io(pwrite(fd, host, XFER, a)))
		return *err = errno, 1;
	if (!full_io(pread(fd, (void *)p2p, XFER, a)))
		return *err = errno, 2;
	for (int i = 0; i < SAMPLES; i++) {
		size_t w = (size_t)random() % (XFER / 8);

		if (p2p[w] != pattern(seq, w * 8))
			return -1;
	}
	if (!full_io(pwrite(fd, (void *)p2p, XFER, b)))
		return *err = errno, 4;
	memset(host, 0, XFER);
	if (!full_io(pread(fd, host, XFER, b)))
		return *err = errno, 5;
	return mismatch(host, XFER, seq) < 0 ? 0 : -1;
}

static void steady_worker(void)
{
	char path[PATH_MAX];
	uint64_t *host, seq = 1;
	void *p2p;
	int fd, step, err;

	snprintf(path, sizeof(path), "%s/p2pmem/allocate", steady_pci);
	fd = open(steady_ns, O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&host, page_size, XFER) ||
	    map_file(path, 2 * XFER, &p2p)) {
		note("steady: setup: %s", strerror(errno));
		add(STEADY_ERRORS, 1);
		_exit(1);
	}
	while (!stopping()) {
		off_t slot = (seq % (REGION / XFER / 2)) * 2 * XFER;

		step = transfer(fd, p2p, host, STEADY_BASE + slot,
				STEADY_BASE + slot + XFER, seq, &err);
		if (step) {
			note("steady: transfer %llu failed at step %d: %s",
			     (unsigned long long)seq, step,
			     step < 0 ? "wrong bytes" : strerror(err));
			add(STEADY_ERRORS, 1);
		} else {
			add(STEADY_BYTES, XFER);
		}
		seq++;
	}
	_exit(0);
}

static void doomed_worker(void)
{
	/* Static: they change between sigsetjmp() and a SIGBUS. */
	static uint64_t seq = 1;
	static void *p2p;
	char path[PATH_MAX];
	uint64_t *host;
	int fd, step, err;

	snprintf(path, sizeof(path), "%s/p2pmem/allocate", churned_pci);
	fd = open(steady_ns, O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&host, page_size, XFER)) {
		note("doomed: setup: %s", strerror(errno));
		add(HOST_ERRORS, 1);
		_exit(1);
	}
	signal(SIGBUS, on_sigbus);
	while (!stopping()) {
		off_t slot = (seq % (REGION / XFER / 2)) * 2 * XFER;

		if (!p2p && map_file(path, 2 * XFER, &p2p)) {
			p2p = NULL;
			add(DOOMED_NO_MAPPING, 1);
			add_errno(sh->refused, errno);
			usleep(20000);
			continue;
		}
		if (sigsetjmp(sigbus_jmp, 1)) {
			add(DOOMED_SIGBUS, 1);
			munmap(p2p, 2 * XFER);
			p2p = NULL;
			continue;
		}
		step = transfer(fd, p2p, host, DOOMED_BASE + slot,
				DOOMED_BASE + slot + XFER, seq++, &err);
		if (step < 0) {
			note("doomed: transfer %llu: wrong bytes from a live mapping",
			     (unsigned long long)seq - 1);
			add(WRONG_BYTES, 1);
		} else if (step == 1 || step == 5) {
			/* Host buffers only: nothing P2P may make these fail. */
			note("doomed: host transfer failed at step %d: %s",
			     step, strerror(err));
			add(HOST_ERRORS, 1);
		} else if (step) {
			add(DOOMED_IO_ERRORS, 1);
			add_errno(sh->failed, err);
			munmap(p2p, 2 * XFER);
			p2p = NULL;
		} else {
			add(DOOMED_BYTES, XFER);
		}
	}
	_exit(0);
}

/* The first word of each page: what the churner writes and checks. */
static void mark(volatile uint64_t *p, size_t len, uint64_t seq)
{
	for (size_t off = 0; off < len; off += page_size)
		p[off / 8] = pattern(seq, off);
}

static bool marked(volatile uint64_t *p, size_t len, uint64_t seq)
{
	for (size_t off = 0; off < len; off += page_size)
		if (p[off / 8] != pattern(seq, off))
			return false;
	return true;
}

/* The churner's mapping, for its SIGBUS path to unmap. */
static void *churn_addr;
static size_t churn_len;

static void *churn_map(const char *path, size_t len)
{
	void *p;

	if (map_file(path, len, &p))
		return NULL;
	churn_addr = p;
	churn_len = len;
	return p;
}

static void churn_unmap(void)
{
	if (churn_addr)
		munmap(churn_addr, churn_len);
	churn_addr = NULL;
}

/* A child's end: 0 if it checked out, 1 if not, SIGBUS if revoked. */
static int child_status(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		siglongjmp(sigbus_jmp, 1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/*
 * One churner operation on a fresh mapping of @path: CHURN_OPS when the
 * data checked out, CHURN_NO_MAPPING when a mapping could not be made
 * (the provider is going or gone), CHURN_ERRORS otherwise. A revoke lands
 * in the SIGBUS handler instead.
 */
static enum count churn_op(const char *path, unsigned int op, uint64_t seq)
{
	size_t len = 2 * MIB;
	uint64_t *p, *q;
	pid_t pid;

	p = churn_map(path, len);
	if (!p) {
		add_errno(sh->refused, errno);
		return CHURN_NO_MAPPING;
	}
	mark(p, len, seq);
	switch (op % 6) {
	case 0:	/* fork: the child sees and changes the same memory */
		pid = fork();
		if (!pid) {
			signal(SIGBUS, SIG_DFL);
			if (!marked(p, len, seq))
				_exit(1);
			mark(p, len, seq + 1);
			_exit(0);
		}
		if (child_status(pid) || !marked(p, len, seq + 1))
			return CHURN_ERRORS;
		break;
	case 1:	/* mremap to a new place keeps the data */
		q = mremap(p, len, len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			return CHURN_ERRORS;
		churn_addr = q;
		if (!marked(q, len, seq))
			return CHURN_ERRORS;
		break;
	case 2:	/* unmapping the middle keeps the ends */
		munmap((char *)p + page_size, len - 2 * page_size);
		if (p[0] != pattern(seq, 0) ||
		    p[(len - page_size) / 8] != pattern(seq, len - page_size))
			return CHURN_ERRORS;
		munmap((char *)p + len - page_size, page_size);
		churn_len = page_size;
		break;
	case 3:	/* MADV_DONTNEED drops the page tables, not the buffer */
		if (madvise(p, len, MADV_DONTNEED) || !marked(p, len, seq))
			return CHURN_ERRORS;
		break;
	case 4:	/* many small mappings, each its own buffer */
		for (int i = 0; i < 64; i++) {
			if (map_file(path, page_size, (void **)&q)) {
				add_errno(sh->refused, errno);
				return CHURN_NO_MAPPING;
			}
			mark(q, page_size, seq + i);
			if (!marked(q, page_size, seq + i)) {
				munmap(q, page_size);
				return CHURN_ERRORS;
			}
			munmap(q, page_size);
		}
		break;
	case 5:	/* a child exits with its own mapping and ours live */
		pid = fork();
		if (!pid) {
			signal(SIGBUS, SIG_DFL);
			if (churn_map(path, len))
				mark(churn_addr, len, seq + 1);
			mark(p, len, seq + 2);
			_exit(0);
		}
		if (child_status(pid) || !marked(p, len, seq + 2))
			return CHURN_ERRORS;
		break;
	}
	churn_unmap();
	return CHURN_OPS;
}

static void churner(void)
{
	/* Static: it changes between sigsetjmp() and a SIGBUS. */
	static unsigned int op;
	char path[PATH_MAX];
	enum count result;

	snprintf(path, sizeof(path), "%s/p2pmem/allocate", churned_pci);
	signal(SIGBUS, on_sigbus);
	while (!stopping()) {
		if (sigsetjmp(sigbus_jmp, 1)) {
			add(CHURN_REVOKED, 1);
			churn_unmap();
			op++;
			continue;
		}
		if (access(path, F_OK)) {
			usleep(20000);
			continue;
		}
		result = churn_op(path, op, (uint64_t)op << 8);
		if (result == CHURN_ERRORS)
			note("churn: operation %u failed", op % 6);
		/* Refused while the memory is not published: not a spin. */
		if (result == CHURN_NO_MAPPING)
			usleep(1000);
		add(result, 1);
		churn_unmap();
		op++;
	}
	_exit(0);
}

static const char *bdf(const char *pci)
{
	return strrchr(pci, '/') + 1;
}

/* The sysfs directory of @pci's NVMe controller, or NULL while unbound. */
static const char *ctrl_dir(const char *pci, char *buf, size_t len)
{
	char pat[PATH_MAX];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/nvme/nvme*", pci);
	if (glob(pat, 0, NULL, &g) || g.gl_pathc != 1) {
		globfree(&g);
		return NULL;
	}
	snprintf(buf, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return buf;
}

/*
 * Wait until @pci's controller is live with its namespace and its memory
 * is published. Not for the pool to be whole: the workers are meant to
 * meet the clearing that follows a bind.
 */
static bool wait_provider(const char *pci, double seconds)
{
	double end = now() + seconds;
	char dir[PATH_MAX], path[PATH_MAX + 16], state[16] = "";
	glob_t g;

	for (;;) {
		bool ns = false;

		if (ctrl_dir(pci, dir, sizeof(dir))) {
			snprintf(path, sizeof(path), "%s/nvme*n1", dir);
			ns = !glob(path, 0, NULL, &g);
			globfree(&g);
			snprintf(path, sizeof(path), "%s/state", dir);
			int fd = open(path, O_RDONLY);

			if (fd >= 0) {
				ssize_t n = read(fd, state, sizeof(state) - 1);

				state[n > 0 ? n : 0] = '\0';
				close(fd);
			}
		}
		snprintf(path, sizeof(path), "%s/p2pmem/allocate", pci);
		if (ns && !strncmp(state, "live", 4) && !access(path, F_OK))
			return true;
		if (now() > end)
			return false;
		usleep(20000);
	}
}

static bool pool_whole(const char *pci, double seconds)
{
	double end = now() + seconds;

	while (read_ll(pci, "p2pmem/available") != read_ll(pci, "p2pmem/size"))
		if (now() > end)
			return false;
		else
			usleep(50000);
	return true;
}

int main(int argc, char **argv)
{
	double t, unbind_sum = 0, unbind_max = 0, start = now();
	int cycles, done = 0, unbinds = 0, resets = 0, n = 0, failed = 0;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	pid_t pids[3];
	bool ok;

	if (argc != 5) {
		fprintf(stderr, "usage: p2pstress <cycles> <churned-pci-dir> <steady-pci-dir> <steady-block-device>\n");
		return 2;
	}
	cycles = atoi(argv[1]);
	churned_pci = argv[2];
	steady_pci = argv[3];
	steady_ns = argv[4];
	page_size = sysconf(_SC_PAGESIZE);
	srandom(getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || !wait_provider(churned_pci, 30) ||
	    !wait_provider(steady_pci, 30) || !pool_whole(churned_pci, 30) ||
	    !pool_whole(steady_pci, 30)) {
		fprintf(stderr, "p2pstress: the providers are not ready\n");
		return 1;
	}

	void (*workers[3])(void) = { steady_worker, doomed_worker, churner };

	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		if (!pids[i])
			workers[i]();
	}
	/* Let the workers start before the first cycle. */
	sleep(1);
	for (int c = 1; c <= cycles; c++) {
		usleep(50000 + random() % 250000);
		if (c % RESET_EVERY == 0) {
			if (!ctrl_dir(churned_pci, dir, sizeof(dir)))
				break;
			snprintf(path, sizeof(path), "%s/reset_controller", dir);
			if (write_str(path, "1")) {
				note("cycle %d: reset: %s", c, strerror(errno));
				break;
			}
			resets++;
		} else {
			snprintf(path, sizeof(path), "%s/driver/unbind", churned_pci);
			t = now();
			if (write_str(path, bdf(churned_pci))) {
				note("cycle %d: unbind: %s", c, strerror(errno));
				break;
			}
			t = now() - t;
			unbind_sum += t;
			unbind_max = t > unbind_max ? t : unbind_max;
			unbinds++;
			usleep(20000 + random() % 80000);
			if (write_str("/sys/bus/pci/drivers/nvme/bind", bdf(churned_pci))) {
				note("cycle %d: bind: %s", c, strerror(errno));
				break;
			}
		}
		if (!wait_provider(churned_pci, 60)) {
			note("cycle %d: the provider did not come back in 60 s", c);
			break;
		}
		done = c;
		if (c % 10 == 0 || c == cycles)
			note("cycle %d/%d, %.0f s: steady %lld MiB, doomed %lld MiB, %lld SIGBUS, %lld failed transfers, %lld churn ops",
			     c, cycles, now() - start,
			     sh->count[STEADY_BYTES] / (long long)MIB,
			     sh->count[DOOMED_BYTES] / (long long)MIB,
			     sh->count[DOOMED_SIGBUS],
			     sh->count[DOOMED_IO_ERRORS],
			     sh->count[CHURN_OPS]);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 3; i++) {
		int status = 0;

		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			note("worker %d ended badly (wait status %#x)", i, status);
			failed = 1;
		}
	}

	note("summary: %d of %d cycles (%d unbinds, %d resets) in %.0f s",
	     done, cycles, unbinds, resets, now() - start);
	if (unbinds)
		note("summary: unbind mean %.1f ms, max %.1f ms",
		     unbind_sum / unbinds * 1e3, unbind_max * 1e3);
	for (int i = 0; i < NR_COUNTS; i++)
		note("summary: %s: %lld", count_names[i], sh->count[i]);
	for (int e = 0; e < NR_ERRNO; e++) {
		if (sh->refused[e])
			note("summary: mappings refused with %s: %lld",
			     e ? strerrorname_np(e) : "another errno", sh->refused[e]);
		if (sh->failed[e])
			note("summary: doomed transfers failed with %s: %lld",
			     e ? strerrorname_np(e) : "another errno", sh->failed[e]);
	}

	ok = done == cycles;
	printf("%sok %d - every cycle done\n", ok ? "" : "not ", ++n);
	failed |= !ok;
	ok = sh->count[STEADY_ERRORS] == 0 && sh->count[STEADY_BYTES] > 0;
	printf("%sok %d - steady provider: every byte right\n", ok ? "" : "not ", ++n);
	failed |= !ok;
	ok = sh->count[WRONG_BYTES] == 0 && sh->count[DOOMED_BYTES] > 0;
	printf("%sok %d - churned provider: no wrong bytes from a live mapping\n",
	       ok ? "" : "not ", ++n);
	failed |= !ok;
	ok = sh->count[CHURN_ERRORS] == 0 && sh->count[CHURN_OPS] > 0;
	printf("%sok %d - churned mappings: data kept through fork, mremap, munmap, MADV_DONTNEED\n",
	       ok ? "" : "not ", ++n);
	failed |= !ok;
	ok = pool_whole(churned_pci, 30) && pool_whole(steady_pci, 30);
	printf("%sok %d - both pools whole at the end\n", ok ? "" : "not ", ++n);
	failed |= !ok;
	printf("1..%d\n", n);
	return failed;
}
