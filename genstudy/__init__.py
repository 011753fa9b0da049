__version__ = "0.0.1"

import os as _os
# OpenMP threads that spin while waiting made small torch ops up to 40x slower whenever two jobs shared the
# 2-core machine genstudy is measured on (a papermill kernel and its parent, a test run beside a study run).
# Passive waiting costs a single job nothing measurable. It takes effect only when genstudy is imported before
# torch starts its thread pool (the CLI and `genstudy rerun`'s kernels, which inherit it); set the variable
# yourself to choose otherwise.
_os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import warnings as _warnings
# fastai's layers module compiles small helpers with torch.jit.script when it is imported (genstudy's training modules
# import fastai), and torch 2.10+ answers each such import with "`torch.jit.script` is deprecated" (a FutureWarning
# printed in every study notebook). Nothing genstudy or its user can act on: that one message is silenced.
_warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
