# The pinned base: Debian 12's linux-source-6.1. Debian's own patches are
# already applied in this tarball.
BASE_PACKAGE := linux-source-6.1
BASE_VERSION := 6.1.192-2
BASE_TARBALL := /usr/src/linux-source-6.1.tar.xz
BASE_SHA256  := 4d415b3d364834fd818270e88813e90323bbfce4f519a0e6bd4940ddcd7df693

# The baseline `make bench` compares against: upstream's userspace P2PDMA
# (merged in 6.2) as Debian 12 ships it, in linux-source-6.12.
UPSTREAM_PACKAGE := linux-source-6.12
UPSTREAM_VERSION := 6.12.117-1~deb12u1
UPSTREAM_TARBALL := /usr/src/linux-source-6.12.tar.xz
UPSTREAM_SHA256  := 585a4a074597aefa2b1a68ada83a3184ba351c127544dea80618bbcceaa3961f

# Debian's own configuration of the base (make kernel-debian): the amd64
# flavour's config from linux-config-6.1 at the base's version, fetched
# with apt-get download into build/debian-config/.
DEBCONFIG_PACKAGE := linux-config-6.1
DEBCONFIG_VERSION := 6.1.192-2
DEBCONFIG_FILE    := usr/src/linux-config-6.1/config.amd64_none_amd64.xz
DEBCONFIG_SHA256  := 954dca6cf12f90629b2de1cd415f3d505eb0591f452d177b463456ae72507780

# make deb: the packages' names. The kernel release is the base's upstream
# version and DEB_LOCALVERSION (6.1.192-p2pdma1: linux-image-6.1.192-p2pdma1,
# beside Debian's own 6.1.0-N-amd64); the package version is the base
# package's version and DEB_SUFFIX (6.1.192-2+p2pdma1). Raise the number
# for each new build given to users.
DEB_LOCALVERSION := -p2pdma1
DEB_SUFFIX       := p2pdma1
