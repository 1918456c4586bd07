# The pinned base: Debian 12's linux-source-6.1. Debian's own patches are
# already applied in this tarball.
BASE_PACKAGE := linux-source-6.1
BASE_VERSION := 6.1.192-2
BASE_TARBALL := /usr/src/linux-source-6.1.tar.xz
BASE_SHA256  := 4d415b3d364834fd818270e88813e90323bbfce4f519a0e6bd4940ddcd7df693
