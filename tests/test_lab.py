"""The notebooks as a JupyterLab user meets them: a JupyterLab server started from the venv (as `make lab` does),
a study notebook run cell by cell through the server's REST and kernel (websocket) API from its own folder.
Its plots must come back inline as images, and a tqdm bar as a widget (ipywidgets installed)."""
import json, os, socket, subprocess, sys, time, uuid, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    port, token = _free_port(), uuid.uuid4().hex
    cmd = [str(BIN/'jupyter'), 'lab', '--no-browser', f'--ServerApp.port={port}', '--ServerApp.ip=127.0.0.1',
           f'--ServerApp.root_dir={ROOT}', f'--IdentityProvider.token={token}', '--ServerApp.port_retries=0']
    if os.geteuid() == 0: cmd.append('--allow-root')   # what `make lab` adds as root
    log = tmp_path_factory.mktemp('lab')/'server.log'
    env = {**os.environ, 'JUPYTER_RUNTIME_DIR': str(log.parent/'runtime')}
    env.pop('MPLBACKEND', None)   # the backend is the kernel's choice (inline), as for a user
    with open(log, 'w') as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2); break
            except OSError: time.sleep(0.5)
        else: pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-2000:]}")
        yield base, token
    finally:
        proc.terminate()
        try: proc.wait(timeout=20)
        except subprocess.TimeoutExpired: proc.kill()


def _api(base, token, path, method='GET', body=None):
    req = urllib.request.Request(f"{base}{path}?token={token}", method=method,
                                 data=None if body is None else json.dumps(body).encode(), headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=60) as r: return json.loads(r.read() or b'null')


def _run_cells(base, token, kernel_id, sources, timeout=600):
    "Execute `sources` in order on the kernel over its websocket; return each cell's iopub outputs."
    from tornado import ioloop, websocket, httpclient

    async def go():
        url = f"{base.replace('http', 'ws')}/api/kernels/{kernel_id}/channels?token={token}"
        ws = await websocket.websocket_connect(httpclient.HTTPRequest(url, request_timeout=60))
        session, results = uuid.uuid4().hex, []
        for src in sources:
            msg_id = uuid.uuid4().hex
            ws.write_message(json.dumps(dict(
                header=dict(msg_id=msg_id, username='test', session=session, msg_type='execute_request', version='5.3', date=''),
                parent_header={}, metadata={}, channel='shell', buffers=[],
                content=dict(code=src, silent=False, store_history=True, user_expressions={}, allow_stdin=False, stop_on_error=True))))
            outs, t0 = [], time.time()
            while True:
                raw = await ws.read_message()
                if raw is None: raise RuntimeError("kernel websocket closed")
                m = json.loads(raw)
                if m.get('parent_header', {}).get('msg_id') != msg_id: continue
                if m['channel'] == 'iopub' and m['msg_type'] in ('display_data', 'execute_result', 'stream', 'error'):
                    outs.append(dict(type=m['msg_type'], **m['content']))
                if m['channel'] == 'iopub' and m['msg_type'] == 'status' and m['content']['execution_state'] == 'idle': break
                if time.time() - t0 > timeout: raise TimeoutError(src[:80])
            results.append(outs)
            if any(o['type'] == 'error' for o in outs): break
        ws.close()
        return results

    return ioloop.IOLoop.current().run_sync(go, timeout=timeout * 2)


def test_study_notebook_runs_in_jupyterlab_with_inline_plots(lab, tmp_path):
    base, token = lab
    rel = 'nbs/study/00_data_tour.ipynb'
    nb = json.loads((ROOT/rel).read_text())
    cells = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code'
             and 'injected-parameters' not in c.get('metadata', {}).get('tags', [])]
    # the parameters a user would set: the smoke profile, its outputs kept out of the checkout's scratch/
    cells.insert(1, f"profile = 'smoke'\nout_dir = {str(tmp_path/'out')!r}")
    cells.append("from tqdm.auto import tqdm\nfor _ in tqdm(range(3)): pass")
    sess = _api(base, token, '/api/sessions', 'POST', dict(path=rel, type='notebook', name='', kernel=dict(name='python3')))
    try:
        results = _run_cells(base, token, sess['kernel']['id'], cells)
    finally:
        _api(base, token, f"/api/sessions/{sess['id']}", 'DELETE')
    errors = [o for outs in results for o in outs if o['type'] == 'error']
    assert not errors, f"{errors[0]['ename']}: {errors[0]['evalue']}" if errors else ''
    assert len(results) == len(cells), "the notebook stopped early"
    images = [o for outs in results for o in outs if o['type'] in ('display_data', 'execute_result') and 'image/png' in o['data']]
    assert images, "no inline image: plots must show in JupyterLab (is a non-interactive backend forced?)"
    assert any('application/vnd.jupyter.widget-view+json' in o.get('data', {}) for o in results[-1]), \
        "tqdm's bar did not render as a widget (ipywidgets missing from the project's kernel?)"
