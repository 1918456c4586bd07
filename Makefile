# The userspace P2PDMA series for Linux 6.1 and the QEMU test bed that
# proves it. See README.md; the flow, in order:
#
#   make deps        apt-get what is missing (the targets that build or boot
#                    run it first)
#   make tree        build/linux: pinned base tagged "base" + patches/series
#   make patches     build/linux base..HEAD -> patches/
#   make kernel-fast / kernel-debug
#   make kernel-debian
#                    Debian's own config (linux-config-6.1, pinned in base.mk)
#                    + PCI_P2PDMA + what the test bed boots with, modules
#                    trimmed to configs/debian-modules.txt; into build/debian
#   make vm [CMD='...'] [KERNEL=fast|debug|debian]
#   make check [KERNEL=debian]
#                    debug kernel + every test in the guest, TAP + summary
#   make demo        fast kernel: NVMe -> CMB -> NVMe with O_DIRECT
#   make bench [BASELINE=none]
#                    fio and the mapping costs, this series (fast kernel)
#                    beside upstream's design (Debian's linux-source-6.12)
#   make bisect [VARIANTS='fast modular nop2pdma']
#                    build every patch of the series in order, with and
#                    without CONFIG_PCI_P2PDMA and with NVMe as a module
#   make bisect-debian
#                    every patch, object level, with Debian's config without
#                    CONFIG_PCI_P2PDMA (Debian's default), NVMe a module;
#                    make vmlinux modules at the tip
#   make mutants     break each piece of the series in turn (testbed/mutants)
#                    and show that the tests catch it
#   make stress [CYCLES=1000] [KERNEL=debug]
#                    unbind, rebind and reset a provider under verified I/O
#                    and mapping churn (stress/; 20 cycles are in make check)
#   make deb         Debian packages (bindeb-pkg) of the kernel-debian build
#                    into build/deb/: linux-image-<release>, linux-headers,
#                    linux-libc-dev
#   make deb-test    dpkg -i the linux-image package into a scratch Debian 12
#                    root, boot the kernel it installed, smoke test

KERNEL ?= fast
CMD ?=
TREE := build/linux/.git

.PHONY: deps tree patches clean-tree kernel-fast kernel-debug kernel-debian vm check demo bench bisect bisect-debian mutants stress deb deb-test

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

patches:
	@scripts/patches.sh

clean-tree:
	rm -rf build/linux

# Create the tree when missing; an existing one is used as it is, so that
# work in progress there can be tested before `make patches`.
$(TREE):
	@$(MAKE) --no-print-directory tree

kernel-fast kernel-debug kernel-debian: deps $(TREE)
	@scripts/kernel.sh $(@:kernel-%=%)

# CMD reaches the guest's shell exactly as typed: $(value) keeps make from
# expanding its $, and the environment keeps the host shell from it.
VM_CMD := $(value CMD)
export VM_CMD
vm: kernel-$(KERNEL)
	@testbed/vm.sh -k $(KERNEL) $${VM_CMD:+"$$VM_CMD"}

# make check runs on the debug kernel unless KERNEL= names another
# (make check KERNEL=debian).
CHECK_KERNEL := $(if $(filter command line environment,$(origin KERNEL)),$(KERNEL),debug)
check: kernel-$(CHECK_KERNEL)
	@KERNEL_VARIANT=$(CHECK_KERNEL) testbed/check.sh

demo: kernel-fast
	@demo/demo.sh

bench: deps $(TREE)
	@bench/bench.sh

bisect: deps $(TREE)
	@scripts/bisect.sh $(VARIANTS)

bisect-debian: deps $(TREE)
	@scripts/bisect-debian.sh

mutants: deps $(TREE)
	@scripts/mutants.sh $(MUTANTS)

# KERNEL defaults to fast above; the stress run's default is the debug one.
stress: deps $(TREE)
	@KERNEL=$(if $(filter command line environment,$(origin KERNEL)),$(KERNEL),debug) stress/stress.sh

deb: kernel-debian
	@scripts/deb.sh

# Needs make deb's packages; does not rebuild them.
deb-test:
	@scripts/deb-test.sh
