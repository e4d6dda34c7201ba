#!/usr/bin/env bash
# Create .venv-peers/ for `make bench`: the peer libraries hsi-lime is benchmarked against
# (meteors 0.2.0, captum 0.9.0 and shap 0.48.0, a shap that installs beside meteors' numpy<2
# on Python 3.11) with the same torch 2.13.0 CPU wheel as .venv, and the scikit-learn and skops of
# .venv (Debian 12's scikit-learn 1.2.1) so that the peers load the very forest hsi-lime explains.
#
# The peers never become dependencies of the plugin: they live in their own virtual
# environment, made WITHOUT --system-site-packages so that their pins (meteors wants
# numpy<2, pandas, seaborn, pydantic, spyndex...) cannot clash with Debian's packages or
# with .venv. benchmarks/run.py (in .venv) talks to them only through subprocesses
# (.venv-peers/bin/python benchmarks/peers.py ...).
# Idempotent: a stamp records the requirements the venv was built from; the venv is
# rebuilt only when they change.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-peers
REQUIREMENTS="torch==2.13.0 meteors==0.2.0 captum==0.9.0 shap==0.48.0 scikit-learn==1.2.1 skops==0.11.0 numpy<2"
stamp="$VENV/.hsi_lime_peers"

if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$REQUIREMENTS" ]; then
  exit 0
fi
echo "hsi-lime bench: creating $VENV with $REQUIREMENTS (once)"
rm -rf "$VENV"
/usr/bin/python3 -m venv "$VENV"
# (this machine's pip configuration warns about every package missing from a local
# index; those lines are noise here)
pip_install() {
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}
# torch first, pinned: `torch==2.13.0` takes the CPU wheel already on disk (an unpinned
# torch would download a multi-GB CUDA build when a peer asks for "torch>=...").
pip_install "torch==2.13.0"
# shellcheck disable=SC2086
pip_install $REQUIREMENTS
"$VENV/bin/python" -c "import torch, meteors, captum, shap, sklearn, numpy; print('hsi-lime bench: peers ready: torch', torch.__version__, 'meteors', meteors.__version__ if hasattr(meteors, '__version__') else '0.2.0', 'captum', captum.__version__, 'shap', shap.__version__, 'scikit-learn', sklearn.__version__, 'numpy', numpy.__version__)"
echo "$REQUIREMENTS" > "$stamp"
