# shellcheck shell=bash
# Shared helpers of setup/run and setup/test: find Odoo 18, make sure a
# PostgreSQL server is reachable (starting one owned by the project when none
# is), and write the Odoo configuration file both commands use.
#
# Settings (all optional):
#   PYTHON                 interpreter that has Odoo 18 installed (found
#                          among python3, pyenv's and /usr/local's)
#   PGHOST/PGPORT/PGUSER/PGPASSWORD
#                          an existing PostgreSQL server to use; when it cannot
#                          be reached the project starts its own cluster
#   CUSTOMER_RATING_STATE  where the project keeps its cluster, config and
#                          logs (<repo>/.local)
#   HTTP_PORT              Odoo's HTTP port, also the browser tours' (8069)

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${CUSTOMER_RATING_STATE:-$REPO_DIR/.local}"
PG_PORT_OWN=54329
PG_ROLE_OWN=odoo
# A job may run with a bare PATH: the system tools (runuser, useradd) live
# in the sbin folders.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

say() { printf '\033[1m[customer_rating]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[customer_rating] ERROR:\033[0m %s\n' "$*" >&2; exit 2; }

# The interpreter that has Odoo: the first of python3 on the PATH, pyenv's
# Pythons and /usr/local's that imports odoo (a job may run with a bare
# PATH, where python3 is the system's), else python3 (require_odoo then says
# what to install).
find_python() {
    local home candidate
    home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
    for candidate in python3 "$home"/.pyenv/shims/python3 \
        "$home"/.pyenv/versions/*/bin/python3 /usr/local/bin/python3; do
        if "$candidate" -c 'import odoo.release' >/dev/null 2>&1; then
            command -v "$candidate"
            return
        fi
    done
    echo python3
}
PYTHON="${PYTHON:-$(find_python)}"

# Odoo 18.0 must be importable by $PYTHON; we never install it ourselves.
require_odoo() {
    local version
    if ! version="$("$PYTHON" -c 'import odoo.release as r; print(r.major_version)' 2>/dev/null)"; then
        die "Odoo 18.0 is not installed for '$PYTHON'.
    Install Odoo 18.0 Community first (https://www.odoo.com/documentation/18.0/administration/on_premise/source.html):
      pip install -r <odoo-18.0>/requirements.txt && pip install -e <odoo-18.0> --config-settings editable_mode=compat
    then check with:  $PYTHON -c 'import odoo'   (or set PYTHON=/path/to/python that has it)."
    fi
    [ "$version" = "18.0" ] || die "Found Odoo $version for '$PYTHON', but customer_rating needs Odoo 18.0."
    require_python_packages "$REPO_DIR/setup/requirements.txt" xlsxwriter barcode
}

# Odoo's own addons folders plus this repository (the folder holding customer_rating/).
odoo_addons_path() {
    "$PYTHON" - "$REPO_DIR" <<'EOF'
import os, sys, odoo
root = os.path.dirname(odoo.__file__)
paths = [os.path.join(root, "addons"), os.path.normpath(os.path.join(root, "..", "addons")), sys.argv[1]]
print(",".join(p for p in paths if os.path.isdir(p)))
EOF
}

pg_reachable() { psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; }

# Install Debian's PostgreSQL when its server binaries are absent (root only).
pg_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$dir" ] && command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
        dir="$(pg_config --bindir)"
    fi
    if [ -z "$dir" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "installing PostgreSQL from Debian's packages"
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2 \
                || die "apt-get install postgresql failed"
            dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
        else
            die "PostgreSQL (>= 13) is not installed and no server is reachable.
    Install it (Debian/Ubuntu: sudo apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a running server."
        fi
    fi
    echo "$dir"
}

# A cluster owned by the project: data and socket in $STATE_DIR/pg, trust
# authentication on the unix socket only, superuser role "odoo".
start_own_cluster() {
    local bindir data run_as=()
    bindir="$(pg_bindir)"
    data="$STATE_DIR/pg"
    mkdir -p "$STATE_DIR"
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user.
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        run_as=(runuser -u postgres -- env -C /)
        if ! "${run_as[@]}" test -x "$STATE_DIR"; then
            # The checkout lies where postgres cannot go (under /root, say).
            data="/var/lib/customer_rating/$(printf '%s' "$REPO_DIR" | md5sum | cut -c1-12)/pg"
            mkdir -p "$(dirname "$data")"
        fi
    fi
    if [ ! -s "$data/PG_VERSION" ]; then
        say "creating the project's PostgreSQL cluster in $data"
        mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown postgres: "$data"
        "${run_as[@]}" "$bindir/initdb" -D "$data" -U "$PG_ROLE_OWN" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed for $data (the postgres user must be able to reach that folder)"
    fi
    if ! "${run_as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "starting the project's PostgreSQL on socket $data, port $PG_PORT_OWN"
        "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
            -o "-k $data -p $PG_PORT_OWN -c listen_addresses='' -c fsync=off -c full_page_writes=off" >/dev/null \
            || die "PostgreSQL did not start, see $data/server.log"
    fi
    export PGHOST="$data" PGPORT="$PG_PORT_OWN" PGUSER="$PG_ROLE_OWN"
    unset PGPASSWORD
}

require_postgres() {
    command -v psql >/dev/null || pg_bindir >/dev/null
    command -v psql >/dev/null || PATH="$(pg_bindir):$PATH"
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && pg_reachable; then
        say "using PostgreSQL at ${PGHOST:-default socket}:${PGPORT:-5432} as ${PGUSER:-$(id -un)}"
    else
        start_own_cluster
        pg_reachable || die "cannot connect to the project's PostgreSQL at $PGHOST:$PGPORT"
    fi
    [ "${PGUSER:-}" != postgres ] || die "Odoo refuses the database role 'postgres': set PGUSER to another role."
}

# Writes $STATE_DIR/odoo.conf and prints its path.
write_odoo_conf() {
    local conf="$STATE_DIR/odoo.conf"
    mkdir -p "$STATE_DIR/filestore"
    cat >"$conf" <<EOF
[options]
addons_path = $(odoo_addons_path)
data_dir = $STATE_DIR/filestore
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
db_user = ${PGUSER:-False}
db_password = ${PGPASSWORD:-False}
http_interface = 127.0.0.1
http_port = ${HTTP_PORT:-8069}
list_db = True
EOF
    echo "$conf"
}

# Debian packages for what Odoo does outside Python: printing PDFs
# (wkhtmltopdf), reading them back in the tests (pdftotext) and the browser
# tours (chromium). Installed as root when missing; otherwise the command
# stops and says what to install.
#   require_debian_tools COMMAND:PACKAGE...
require_debian_tools() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    [ "${#missing[@]}" = 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} from Debian's packages"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 \
            || die "apt-get install ${missing[*]} failed"
    else
        die "missing programs: install them first (Debian/Ubuntu: sudo apt-get install ${missing[*]})."
    fi
}

odoo_cli() { "$PYTHON" -m odoo "$@"; }

db_exists() { psql -X -Atq -d postgres -c "select 1 from pg_database where datname = '$1'" | grep -q 1; }

# Installs the project's own Python requirements (never Odoo) when one is missing.
require_python_packages() {
    local requirements="$1"; shift
    if ! "$PYTHON" - "$@" <<'PY' 2>/dev/null; then
import importlib.util, sys
sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))
PY
        say "installing $(basename "$requirements")"
        "$PYTHON" -m pip install -q -r "$requirements" >&2 || die "pip install -r $requirements failed"
    fi
}
