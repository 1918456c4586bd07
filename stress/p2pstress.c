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
 *   provider: once the mapping is revoked its I/O fails (EFAULT) and its
 *   loads raise SIGBUS, but while the mapping is live every byte must be
 *   right;
 * - a churner maps the churned provider and forks, mremaps, unmaps part
 *   of a mapping, drops its page tables with MADV_DONTNEED, makes many
 *   small mappings and lets a child exit with mappings live, checking the
 *   data each time.
 *
 * A failure of the doomed worker or of the churner is allowed only across
 * a churn: when the churned provider was being unbound, reset or brought
 * back at the time the mapping was made, or has been since. All I/O goes
 * to the steady provider's namespace (the churned one's goes away with its
 * driver), to regions of their own. At the end both pools must be whole.
 * The results are TAP lines, after a summary.
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

#define MIB (1UL << 20)
#define XFER MIB		/* one O_DIRECT transfer */
#define SAMPLES 16		/* words checked by the CPU per transfer */
#define STEADY_BASE 0		/* the steady worker's region of the disk */
#define DOOMED_BASE (256 * MIB)	/* the doomed worker's */
#define REGION (256 * MIB)
#define RESET_EVERY 4
#define SMALL_MAPPINGS 64
#define NR_ERRNO (EHWPOISON + 1)

enum count {
	STEADY_BYTES,		/* bytes through the steady provider, verified */
	STEADY_ERRORS,		/* anything wrong in the steady worker */
	HOST_ERRORS,		/* a transfer to or from host memory failed */
	DOOMED_BYTES,		/* bytes through the churned provider, verified */
	DOOMED_IO_ERRORS,	/* a transfer failed across a churn */
	DOOMED_SIGBUS,		/* a revoked mapping touched */
	DOOMED_NO_MAPPING,	/* allocate absent or mmap refused in a churn */
	WRONG_AFTER_REVOKE,	/* a write that read its data after a revoke */
	WRONG_BYTES,		/* wrong data from a live mapping: never */
	CHURN_OPS,		/* churner operations completed with data checked */
	CHURN_REVOKED,		/* churner operations cut short by a revoke */
	CHURN_NO_MAPPING,	/* allocate absent or mmap refused in a churn */
	CHURN_ERRORS,		/* wrong data, or a call on a mapping failed */
	UNEXPECTED,		/* a failure with no churn to explain it */
	NR_COUNTS
};

static const char * const count_names[NR_COUNTS] = {
	[STEADY_BYTES] = "steady bytes verified",
	[STEADY_ERRORS] = "steady errors",
	[HOST_ERRORS] = "host-memory transfers failed",
	[DOOMED_BYTES] = "doomed bytes verified",
	[DOOMED_IO_ERRORS] = "doomed transfers failed",
	[DOOMED_SIGBUS] = "doomed SIGBUS",
	[DOOMED_NO_MAPPING] = "doomed mappings refused",
	[WRONG_AFTER_REVOKE] = "doomed writes of data read after a revoke",
	[WRONG_BYTES] = "wrong bytes from a live mapping",
	[CHURN_OPS] = "churn operations checked",
	[CHURN_REVOKED] = "churn operations revoked",
	[CHURN_NO_MAPPING] = "churn mappings refused",
	[CHURN_ERRORS] = "churn errors",
	[UNEXPECTED] = "failures with no churn to explain them",
};

/* Shared by every process, in a MAP_SHARED anonymous mapping. */
struct shared {
	long long count[NR_COUNTS];
	long long refused[NR_ERRNO];	/* mappings refused, by errno */
	long long failed[NR_ERRNO];	/* doomed transfers failed, by errno */
	/* Odd while the churned provider is unbound, reset or coming back. */
	unsigned int churn;
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

static long long get(enum count c)
{
	return __atomic_load_n(&sh->count[c], __ATOMIC_RELAXED);
}

static void add_errno(long long *by_errno, int err)
{
	__atomic_add_fetch(&by_errno[err > 0 && err < NR_ERRNO ? err : 0], 1,
			   __ATOMIC_RELAXED);
}

static unsigned int churn_now(void)
{
	return __atomic_load_n(&sh->churn, __ATOMIC_SEQ_CST);
}

/* Main marks each churn's start and end. */
static void churn_step(void)
{
	__atomic_add_fetch(&sh->churn, 1, __ATOMIC_SEQ_CST);
}

/*
 * May a mapping made when the churn count was @since fail? Only if a
 * churn was under way then, or one has begun since.
 */
static bool churned_since(unsigned int since)
{
	return (since & 1) || churn_now() != since;
}

/* A tolerated failure counts as @c, one nothing explains as UNEXPECTED. */
static void add_failure(enum count c, unsigned int since, const char *what)
{
	if (churned_since(since)) {
		add(c, 1);
		return;
	}
	printf("# %s with no churn to explain it\n", what);
	add(UNEXPECTED, 1);
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

static bool holds(const uint64_t *buf, size_t len, uint64_t seq)
{
	for (size_t i = 0; i < len / 8; i++)
		if (buf[i] != pattern(seq, i * 8))
			return false;
	return true;
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

/* What transfer() returns: 0, a step that failed, or wrong bytes. */
enum step {
	DONE,
	SEED,		/* host buffer -> disk A */
	READ_IN,	/* disk A -> P2P buffer */
	WRITE_OUT,	/* P2P buffer -> disk B */
	READ_BACK,	/* disk B -> host buffer */
	WRONG_LOAD,	/* the CPU read wrong data from the P2P buffer */
	WRONG_DISK,	/* disk B does not hold the pattern */
};

/* Did @n bytes of I/O move all of them? Else *@err: errno, or 0 if short. */
static bool moved(ssize_t n, int *err)
{
	*err = n < 0 ? errno : 0;
	return n == (ssize_t)XFER;
}

/*
 * @seq's pattern from @host to disk A, then A -> @p2p -> disk B -> @host,
 * with the CPU sampling @p2p (a SIGBUS lands in the caller's handler).
 */
static enum step transfer(int fd, volatile uint64_t *p2p, uint64_t *host,
			  off_t a, off_t b, uint64_t seq, int *err)
{
	fill(host, XFER, seq);
	if (!moved(pwrite(fd, host, XFER, a), err))
		return SEED;
	if (!moved(pread(fd, (void *)p2p, XFER, a), err))
		return READ_IN;
	for (int i = 0; i < SAMPLES; i++) {
		size_t w = (size_t)random() % (XFER / 8);

		if (p2p[w] != pattern(seq, w * 8))
			return WRONG_LOAD;
	}
	if (!moved(pwrite(fd, (void *)p2p, XFER, b), err))
		return WRITE_OUT;
	memset(host, 0, XFER);
	if (!moved(pread(fd, host, XFER, b), err))
		return READ_BACK;
	return holds(host, XFER, seq) ? DONE : WRONG_DISK;
}

static const char *err_name(int err)
{
	return err ? strerrorname_np(err) : "a short transfer";
}

static void *host_buffer(void)
{
	void *host;
	int err = posix_memalign(&host, page_size, XFER);

	if (err) {
		note("host buffer: %s", strerror(err));
		return NULL;
	}
	return host;
}

static void steady_worker(void)
{
	char path[PATH_MAX];
	uint64_t *host = host_buffer(), seq = 1;
	enum step step;
	void *p2p;
	int fd, err;

	snprintf(path, sizeof(path), "%s/p2pmem/allocate", steady_pci);
	fd = open(steady_ns, O_RDWR | O_DIRECT);
	if (fd < 0 || !host || map_file(path, 2 * XFER, &p2p)) {
		note("steady: setup: %s", strerror(errno));
		add(STEADY_ERRORS, 1);
		_exit(1);
	}
	while (!stopping()) {
		off_t slot = (seq % (REGION / XFER / 2)) * 2 * XFER;

		step = transfer(fd, p2p, host, STEADY_BASE + slot,
				STEADY_BASE + slot + XFER, seq, &err);
		if (step == DONE) {
			add(STEADY_BYTES, XFER);
		} else {
			note("steady: transfer %llu failed at step %d: %s",
			     (unsigned long long)seq, step,
			     step >= WRONG_LOAD ? "wrong bytes" : err_name(err));
			add(STEADY_ERRORS, 1);
		}
		seq++;
	}
	_exit(0);
}

/*
 * Disk B did not get what @p2p held. If @p2p is still mapped, it was
 * mapped throughout (a revoke is for good): the bytes are wrong. If it
 * was revoked meanwhile, the write may have read the memory after the
 * provider let it go, which a revoke does not wait for: counted apart.
 */
static void doomed_wrong_disk(volatile uint64_t *p2p, uint64_t seq,
			      volatile bool *probing)
{
	*probing = true;
	(void)p2p[0];
	*probing = false;
	note("doomed: transfer %llu: wrong bytes from a live mapping",
	     (unsigned long long)seq);
	add(WRONG_BYTES, 1);
}

static void doomed_worker(void)
{
	/* Static: they change between sigsetjmp() and a SIGBUS. */
	static unsigned int since;
	static volatile bool probing;
	static uint64_t seq = 1;
	static void *p2p;
	char path[PATH_MAX];
	uint64_t *host = host_buffer();
	enum step step;
	int fd, err;

	snprintf(path, sizeof(path), "%s/p2pmem/allocate", churned_pci);
	fd = open(steady_ns, O_RDWR | O_DIRECT);
	if (fd < 0 || !host) {
		note("doomed: setup: %s", strerror(errno));
		add(HOST_ERRORS, 1);
		_exit(1);
	}
	signal(SIGBUS, on_sigbus);
	while (!stopping()) {
		off_t slot = (seq % (REGION / XFER / 2)) * 2 * XFER;

		if (!p2p) {
			since = churn_now();
			if (map_file(path, 2 * XFER, &p2p)) {
				p2p = NULL;
				add_errno(sh->refused, errno);
				add_failure(DOOMED_NO_MAPPING, since,
					    "doomed: mmap refused");
				usleep(20000);
				continue;
			}
		}
		if (sigsetjmp(sigbus_jmp, 1)) {
			if (probing)
				add(WRONG_AFTER_REVOKE, 1);
			else
				add_failure(DOOMED_SIGBUS, since, "doomed: SIGBUS");
			probing = false;
			munmap(p2p, 2 * XFER);
			p2p = NULL;
			continue;
		}
		step = transfer(fd, p2p, host, DOOMED_BASE + slot,
				DOOMED_BASE + slot + XFER, seq++, &err);
		switch (step) {
		case DONE:
			add(DOOMED_BYTES, XFER);
			break;
		case SEED:
		case READ_BACK:
			/* Host buffers only: nothing P2P may make these fail. */
			note("doomed: host transfer failed at step %d: %s",
			     step, err_name(err));
			add(HOST_ERRORS, 1);
			break;
		case READ_IN:
		case WRITE_OUT:
			add_errno(sh->failed, err);
			add_failure(DOOMED_IO_ERRORS, since,
				    "doomed: transfer failed");
			munmap(p2p, 2 * XFER);
			p2p = NULL;
			break;
		case WRONG_LOAD:
			/* The load worked: the mapping was live throughout. */
			note("doomed: transfer %llu: wrong bytes from a live mapping",
			     (unsigned long long)seq - 1);
			add(WRONG_BYTES, 1);
			break;
		case WRONG_DISK:
			doomed_wrong_disk(p2p, seq - 1, &probing);
			break;
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

/* The churner's mappings, for its SIGBUS path to unmap. */
static void *churn_addr;
static size_t churn_len;
static void *small[SMALL_MAPPINGS];

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
	for (int i = 0; i < SMALL_MAPPINGS; i++) {
		if (small[i])
			munmap(small[i], page_size);
		small[i] = NULL;
	}
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
 * One churner operation on a fresh 2 MiB mapping of @path: CHURN_OPS when
 * the data checked out, CHURN_NO_MAPPING when a mapping could not be made,
 * CHURN_ERRORS otherwise. A revoke lands in the SIGBUS handler instead.
 */
static enum count churn_op(const char *path, unsigned int op, uint64_t seq)
{
	size_t len = 2 * MIB;
	uint64_t *p, *q;
	void *place;
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
	case 1:	/* mremap to another place keeps the data; growing fails */
		place = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
		if (place == MAP_FAILED)
			return CHURN_ERRORS;
		q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, place);
		if (q != place) {
			munmap(place, len);
			return CHURN_ERRORS;
		}
		churn_addr = q;
		if (!marked(q, len, seq) ||
		    mremap(q, len, 2 * len, 0) != MAP_FAILED || errno != EFAULT)
			return CHURN_ERRORS;
		break;
	case 2:	/* unmapping the middle keeps the ends */
		if (munmap((char *)p + page_size, len - 2 * page_size) ||
		    p[0] != pattern(seq, 0) ||
		    p[(len - page_size) / 8] != pattern(seq, len - page_size))
			return CHURN_ERRORS;
		munmap((char *)p + len - page_size, page_size);
		churn_len = page_size;
		break;
	case 3:	/* MADV_DONTNEED drops the page tables, not the buffer */
		if (madvise(p, len, MADV_DONTNEED) || !marked(p, len, seq))
			return CHURN_ERRORS;
		break;
	case 4:	/* many small mappings, each a buffer of its own, cleared */
		for (int i = 0; i < SMALL_MAPPINGS; i++) {
			if (map_file(path, page_size, &small[i])) {
				small[i] = NULL;
				add_errno(sh->refused, errno);
				return CHURN_NO_MAPPING;
			}
			if (((volatile uint64_t *)small[i])[0])
				return CHURN_ERRORS;
		}
		for (int i = 0; i < SMALL_MAPPINGS; i++)
			mark(small[i], page_size, seq + i);
		for (int i = 0; i < SMALL_MAPPINGS; i++)
			if (!marked(small[i], page_size, seq + i))
				return CHURN_ERRORS;
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
	return CHURN_OPS;
}

static void churner(void)
{
	/* Static: they change between sigsetjmp() and a SIGBUS. */
	static unsigned int op, since;
	char path[PATH_MAX];
	enum count result;

	snprintf(path, sizeof(path), "%s/p2pmem/allocate", churned_pci);
	signal(SIGBUS, on_sigbus);
	while (!stopping()) {
		if (sigsetjmp(sigbus_jmp, 1)) {
			add_failure(CHURN_REVOKED, since, "churn: SIGBUS");
			churn_unmap();
			op++;
			continue;
		}
		if (access(path, F_OK)) {
			usleep(20000);
			continue;
		}
		since = churn_now();
		result = churn_op(path, op, (uint64_t)op << 8);
		if (result == CHURN_ERRORS) {
			note("churn: operation %u failed", op % 6);
			add(CHURN_ERRORS, 1);
		} else if (result == CHURN_NO_MAPPING) {
			add_failure(CHURN_NO_MAPPING, since, "churn: mmap refused");
			/* Refused while the memory is not published: no spin. */
			usleep(1000);
		} else {
			add(CHURN_OPS, 1);
		}
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
 * meet the clearing that follows a publish.
 */
static bool wait_provider(const char *pci, double seconds)
{
	double end = now() + seconds;
	char dir[PATH_MAX], path[PATH_MAX + 16], state[16];
	glob_t g;

	for (;;) {
		bool ns = false;

		state[0] = '\0';
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
		if (ns && !strncmp(state, "live", 4) &&
		    read_ll(pci, "p2pmem/published") == 1)
			return true;
		if (now() > end)
			return false;
		usleep(20000);
	}
}

static bool pool_whole(const char *pci, double seconds)
{
	double end = now() + seconds;
	long long size = read_ll(pci, "p2pmem/size");

	while (size <= 0 || read_ll(pci, "p2pmem/available") != size) {
		if (now() > end)
			return false;
		usleep(50000);
		size = read_ll(pci, "p2pmem/size");
	}
	return true;
}

/* Have the doomed worker and the churner each done one more? */
static bool workers_progress(long long doomed, long long ops, double seconds)
{
	double end = now() + seconds;

	while (get(DOOMED_BYTES) <= doomed || get(CHURN_OPS) <= ops) {
		if (now() > end)
			return false;
		usleep(50000);
	}
	return true;
}

/* What failed, with its errno. */
static const char *failure(const char *what)
{
	static char msg[128];

	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(errno));
	return msg;
}

/* One cycle: unbind and bind, or reset. Returns NULL or what failed. */
static const char *churn_cycle(int c, double *unbind_time)
{
	static char dir[PATH_MAX], path[PATH_MAX + 32];
	double t;

	*unbind_time = -1;
	if (c % RESET_EVERY == 0) {
		if (!ctrl_dir(churned_pci, dir, sizeof(dir)))
			return "no controller to reset";
		snprintf(path, sizeof(path), "%s/reset_controller", dir);
		/* Returns once the reset is done. */
		return write_str(path, "1") ? failure("reset") : NULL;
	}
	snprintf(path, sizeof(path), "%s/driver/unbind", churned_pci);
	t = now();
	if (write_str(path, bdf(churned_pci)))
		return failure("unbind");
	*unbind_time = now() - t;
	usleep(20000 + random() % 80000);
	if (write_str("/sys/bus/pci/drivers/nvme/bind", bdf(churned_pci)))
		return failure("bind");
	return NULL;
}

static int parse_cycles(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	return *arg && !*end && n >= 1 && n <= 1000000 ? (int)n : -1;
}

static void ok(int *n, bool pass, const char *what, int *failed)
{
	printf("%sok %d - %s\n", pass ? "" : "not ", ++*n, what);
	if (!pass)
		*failed = 1;
}

int main(int argc, char **argv)
{
	double t, unbind_sum = 0, unbind_max = 0, start = now();
	int cycles, done = 0, unbinds = 0, resets = 0, n = 0, failed = 0;
	void (*workers[3])(void) = { steady_worker, doomed_worker, churner };
	long long doomed_at_end, ops_at_end;
	bool workers_ok = true, progress;
	char path[PATH_MAX + 32];
	const char *why = NULL;
	pid_t pids[3];

	cycles = argc == 5 ? parse_cycles(argv[1]) : -1;
	if (cycles < 0) {
		fprintf(stderr, "usage: p2pstress <cycles, 1 or more> <churned-pci-dir> <steady-pci-dir> <steady-block-device>\n");
		return 2;
	}
	churned_pci = argv[2];
	steady_pci = argv[3];
	steady_ns = argv[4];
	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || !wait_provider(churned_pci, 30) ||
	    !wait_provider(steady_pci, 30) || !pool_whole(churned_pci, 30) ||
	    !pool_whole(steady_pci, 30)) {
		fprintf(stderr, "p2pstress: the providers are not ready\n");
		return 1;
	}

	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("p2pstress: fork");
			__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
			return 1;
		}
		if (!pids[i]) {
			srandom(getpid());
			workers[i]();
		}
	}
	srandom(getpid());
	/* Let the workers start before the first cycle. */
	sleep(1);
	for (int c = 1; c <= cycles; c++) {
		usleep(50000 + random() % 250000);
		churn_step();
		why = churn_cycle(c, &t);
		if (!why && !wait_provider(churned_pci, 60))
			why = "the provider did not come back in 60 s";
		churn_step();
		if (why) {
			note("cycle %d: %s", c, why);
			break;
		}
		if (t >= 0) {
			unbind_sum += t;
			unbind_max = t > unbind_max ? t : unbind_max;
			unbinds++;
		} else {
			resets++;
		}
		done = c;
		if (c % 10 == 0 || c == cycles)
			note("cycle %d/%d, %.0f s: steady %lld MiB, doomed %lld MiB, %lld SIGBUS, %lld failed transfers, %lld churn ops",
			     c, cycles, now() - start,
			     get(STEADY_BYTES) / (long long)MIB,
			     get(DOOMED_BYTES) / (long long)MIB,
			     get(DOOMED_SIGBUS), get(DOOMED_IO_ERRORS),
			     get(CHURN_OPS));
	}
	/* Later tests of the same boot need the drive bound. */
	snprintf(path, sizeof(path), "%s/driver", churned_pci);
	if (access(path, F_OK) &&
	    (write_str("/sys/bus/pci/drivers/nvme/bind", bdf(churned_pci)) ||
	     !wait_provider(churned_pci, 60)))
		note("%s stays unbound", bdf(churned_pci));

	/* The workers still work after the last cycle. */
	doomed_at_end = get(DOOMED_BYTES);
	ops_at_end = get(CHURN_OPS);
	progress = workers_progress(doomed_at_end, ops_at_end, 60);
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 3; i++) {
		int status = 0;

		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			note("worker %d ended badly (wait status %#x)", i, status);
			workers_ok = false;
		}
	}

	note("summary: %d of %d cycles (%d unbinds, %d resets) in %.0f s",
	     done, cycles, unbinds, resets, now() - start);
	if (unbinds)
		note("summary: unbind mean %.1f ms, max %.1f ms",
		     unbind_sum / unbinds * 1e3, unbind_max * 1e3);
	for (int i = 0; i < NR_COUNTS; i++)
		note("summary: %s: %lld", count_names[i], get(i));
	for (int e = 0; e < NR_ERRNO; e++) {
		if (sh->refused[e])
			note("summary: mappings refused with %s: %lld",
			     e ? strerrorname_np(e) : "another errno", sh->refused[e]);
		if (sh->failed[e])
			note("summary: doomed transfers failed with %s: %lld",
			     e ? err_name(e) : "a short transfer or another errno",
			     sh->failed[e]);
	}

	ok(&n, done == cycles, "every cycle done", &failed);
	ok(&n, !get(STEADY_ERRORS) && get(STEADY_BYTES) > 0,
	   "steady provider: every byte right", &failed);
	ok(&n, !get(WRONG_BYTES) && !get(HOST_ERRORS) && get(DOOMED_BYTES) > 0,
	   "churned provider: every byte right while mapped", &failed);
	ok(&n, !get(CHURN_ERRORS) && get(CHURN_OPS) > 0,
	   "churned mappings: data kept through fork, mremap, munmap, MADV_DONTNEED, small mappings",
	   &failed);
	ok(&n, !get(UNEXPECTED), "no failure without a churn to explain it",
	   &failed);
	ok(&n, progress && workers_ok,
	   "workers still at work after the last cycle, and ended cleanly",
	   &failed);
	ok(&n, pool_whole(churned_pci, 30) && pool_whole(steady_pci, 30),
	   "both pools whole at the end", &failed);
	printf("1..%d\n", n);
	return failed;
}
