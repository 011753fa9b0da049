__version__ = "0.0.1"

import os as _os
# OpenMP threads that spin while waiting made small torch ops up to 40x slower whenever two jobs shared the
# 2-core machine genstudy is measured on (a papermill kernel and its parent, a test run beside a study run).
# Passive waiting costs a single job nothing measurable. It takes effect only when genstudy is imported before
# torch starts its thread pool (the CLI and `genstudy rerun`'s kernels, which inherit it); set the variable
# yourself to choose otherwise.
_os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
