#!/usr/bin/env bash
# Create .venv-peers/ and .venv-shap/ for `make bench`: the peer libraries hsi-lime is benchmarked against.
#
# .venv-peers: meteors 0.2.0, captum 0.9.0 and shap 0.48.0 (a shap that installs beside meteors' numpy<2 on
# Python 3.11), with the same torch 2.13.0 CPU wheel as .venv, and the scikit-learn and skops of .venv (Debian
# 12's scikit-learn 1.2.1) so that the peers load the very forest hsi-lime explains.
# .venv-shap: the newest shap (0.51, which wants numpy >= 2, so it cannot live beside meteors), for
# benchmarks/baselines.py's background Kernel SHAP comparison, with the same torch and the newest scikit-learn
# and skops.
#
# The peers never become dependencies of the plugin: they live in their own virtual environments, made
# WITHOUT --system-site-packages so that their pins cannot clash with Debian's packages or with .venv. The
# benchmarks (in .venv) talk to them only through subprocesses (.venv-peers/bin/python benchmarks/peers.py ...).
# Idempotent: a stamp records the requirements each venv was built from; a venv is rebuilt only when they change.
set -euo pipefail
cd "$(dirname "$0")/.."

# pip_install VENV ARGS...: this machine's pip configuration warns about every package missing from a local
# index; those lines are noise here.
pip_install() {
  local venv=$1
  shift
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}

# make_venv VENV "REQUIREMENTS" CHECK: the venv with the requirements (torch first, pinned: `torch==2.13.0` takes
# the CPU wheel already on disk; an unpinned torch would download a multi-GB CUDA build), then CHECK run in it.
make_venv() {
  local venv=$1 requirements=$2 check=$3
  local stamp="$venv/.hsi_lime_peers"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$requirements" ]; then
    return 0
  fi
  echo "hsi-lime bench: creating $venv with $requirements (once)"
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  pip_install "$venv" "torch==2.13.0"
  # shellcheck disable=SC2086 (the requirements are separate words)
  pip_install "$venv" $requirements
  "$venv/bin/python" -c "$check"
  echo "$requirements" > "$stamp"
}

make_venv .venv-peers "torch==2.13.0 meteors==0.2.0 captum==0.9.0 shap==0.48.0 scikit-learn==1.2.1 skops==0.11.0 numpy<2" \
  "import torch, meteors, captum, shap, sklearn, numpy; print('hsi-lime bench: peers ready: torch', torch.__version__, 'meteors', meteors.__version__ if hasattr(meteors, '__version__') else '0.2.0', 'captum', captum.__version__, 'shap', shap.__version__, 'scikit-learn', sklearn.__version__, 'numpy', numpy.__version__)"
make_venv .venv-shap "torch==2.13.0 shap==0.51.0 numpy>=2 scikit-learn skops" \
  "import torch, shap, sklearn, numpy; print('hsi-lime bench: newest shap ready:', shap.__version__, 'numpy', numpy.__version__, 'scikit-learn', sklearn.__version__)"
