# Source it: check_pinned NAME PACKAGE VERSION TARBALL SHA256 fails unless
# Debian's PACKAGE is installed at VERSION and TARBALL has SHA256. NAME
# prefixes the message.
check_pinned() {
	local name=$1 package=$2 version=$3 tarball=$4 sha256=$5 installed sum
	installed=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
	if [ "$installed" != "$version" ]; then
		echo "$name: $package $version is pinned, but ${installed:-nothing} is installed" >&2
		return 1
	fi
	sum=$(sha256sum "$tarball" | cut -d' ' -f1)
	if [ "$sum" != "$sha256" ]; then
		echo "$name: $tarball has sha256 $sum, pinned $sha256" >&2
		return 1
	fi
}
