#!/usr/bin/env bash
# Check (and, as root, install) the Debian packages the test suite needs:
#   chromium            browser tests (Playwright drives /usr/bin/chromium)
#   postgresql + PostGIS  the PostGIS store tests start their own throwaway cluster
#   gdal-bin            ogrinfo, to check exported files independently of pyogrio
#   poppler-utils       pdftoppm/pdftotext, to look inside generated PDF reports
#   fonts-dejavu-core   a font with Swedish characters for reports and screenshots
#   libimage-exiftool-perl  exiftool, to check independently that stored photos have no EXIF/GPS
#
# Idempotent: when everything is present it only looks at a few files and exits.
# Not root: prints the apt-get command to run and exits 0 (tests that need a missing
# piece then skip locally, and fail when CI=true).
set -euo pipefail

log() { printf 'system-deps: %s\n' "$*"; }

# An executable on PATH (bash's command -v also names non-executable files).
have() { local path; path=$(command -v "$1" 2>/dev/null) && [[ -x "$path" ]]; }

missing=()

# Highest PostgreSQL major version with server binaries installed (empty if none).
pg_major_with_server() {
    local dir major best=""
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]] || continue
        major=$(basename "$(dirname "$dir")")
        [[ "$major" =~ ^[0-9]+$ ]] || continue
        if [[ -z "$best" || "$major" -gt "$best" ]]; then best=$major; fi
    done
    printf '%s' "$best"
}

# Debian's default PostgreSQL major (what the "postgresql" package depends on).
pg_default_major() {
    local major
    major=$(apt-cache depends postgresql 2>/dev/null \
        | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n1)
    printf '%s' "${major:-15}"
}

[[ -x /usr/bin/chromium ]] || missing+=(chromium)
have ogrinfo || missing+=(gdal-bin)
{ have pdftoppm && have pdftotext; } || missing+=(poppler-utils)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
have exiftool || missing+=(libimage-exiftool-perl)

pg_major=$(pg_major_with_server)
postgis_needed=false
if [[ -z "$pg_major" ]]; then
    missing+=(postgresql)
    postgis_needed=true
elif [[ ! -f "/usr/share/postgresql/$pg_major/extension/postgis.control" ]]; then
    postgis_needed=true
fi

if [[ ${#missing[@]} -eq 0 && "$postgis_needed" == false ]]; then
    log "all present (chromium, PostgreSQL $pg_major + PostGIS, gdal-bin, poppler-utils, fonts-dejavu-core, exiftool)"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    # Without root we cannot ask apt which major is the default; name the likely one.
    if [[ "$postgis_needed" == true ]]; then
        missing+=("postgresql-${pg_major:-$(pg_default_major)}-postgis-3")
    fi
    log "missing: ${missing[*]}"
    log "install them with:"
    printf '\n    sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n\n' \
        "${missing[*]}"
    log "until then the tests that need them are skipped (and fail when CI=true)"
    exit 0
fi

log "apt-get update"
apt-get update -qq
if [[ "$postgis_needed" == true ]]; then
    # PostGIS must match the server's major version: the installed one, or the one
    # the "postgresql" package is about to bring.
    missing+=("postgresql-${pg_major:-$(pg_default_major)}-postgis-3")
fi
log "installing: ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Check again, so a broken install stops here rather than as a confusing test error.
pg_major=$(pg_major_with_server)
if [[ -z "$pg_major" || ! -f "/usr/share/postgresql/$pg_major/extension/postgis.control" ]]; then
    log "PostgreSQL server or PostGIS still missing after install" >&2
    exit 1
fi
[[ -x /usr/bin/chromium ]] || { log "chromium still missing after install" >&2; exit 1; }
log "done"
