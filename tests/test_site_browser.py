"""The built docs site as a reader meets it, in headless Chromium (Debian's chromium + chromium-driver, installed by
.ci/run) with the network cut off: the home page, the claims page, every study page and an API page with maths.
Each must load without console errors, show every image at (nearly) its own width, print no machine path and no
warning, and render its maths from the MathJax the site ships."""
import contextlib, functools, http.server, shutil, threading, time
import pytest
from conftest import ROOT, ABS_PATH, WARNING

CHROMIUM, DRIVER = shutil.which('chromium'), shutil.which('chromedriver')
WINDOW = (1400, 1000)          # a laptop browser window; genstudy.core.FIG_WIDTH_PX is the figure width that fits it
MIN_SHOWN = 0.9                # an image shown below 90% of its own width has its text shrunk: it should have been saved narrower
API_PAGE = 'diffusion.html'    # API entries (show_doc with parameter tables) and maths


@contextlib.contextmanager
def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(folder))
    with http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler) as httpd:   # Chromium opens several connections at once
        t = threading.Thread(target=httpd.serve_forever, daemon=True); t.start()
        try: yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally: httpd.shutdown()


def page_problems(driver, page:str)->list[str]:
    "What a reader would notice on the loaded page."
    problems = []
    info = driver.execute_script("""return {
        imgs: Array.from(document.images).map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0, i.naturalWidth, i.clientWidth]),
        text: document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText,
        mjx: document.querySelectorAll('mjx-container').length,
        rawmath: document.querySelectorAll('.math:not(:has(mjx-container))').length}""")
    for src, ok, natural, shown in info['imgs']:
        if not ok: problems.append(f"{page}: image {src} did not load")
        elif shown < MIN_SHOWN * natural:
            problems.append(f"{page}: image {src} shown at {shown}px of its {natural}px ({shown / natural:.0%}): its text is shrunk")
    problems += [f"{page}: machine path in the text: ...{info['text'][max(0, m.start() - 60):m.end() + 40]!r}..."
                 for m in ABS_PATH.finditer(info['text'])][:3]
    problems += [f"{page}: '{m.group(0)}' in the text: ...{info['text'][max(0, m.start() - 80):m.end() + 80]!r}..."
                 for m in WARNING.finditer(info['text'])][:3]
    if info['rawmath']: problems.append(f"{page}: {info['rawmath']} maths element(s) not rendered by MathJax")
    problems += [f"{page}: console: {l['message'][:200]}" for l in driver.get_log('browser')
                 if l['level'] == 'SEVERE' and 'favicon.ico' not in l['message']]   # the browser's own favicon probe
    return problems, info


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="headless check needs Debian's chromium and chromium-driver (.ci/run installs them)")
@pytest.mark.parametrize('which', ['smoke', 'committed'])
def test_site_reads_well_offline_in_chromium(which, request):
    "The smoke rerun's site (every page built by this run's code) and the committed one (what `make docs` gives a reader)."
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    if which == 'smoke': request.getfixturevalue('smoke_run'); site = ROOT/'scratch'/'smoke'/'_docs'
    else: site = request.getfixturevalue('committed_site')
    study = sorted(p.relative_to(site).as_posix() for p in (site/'study').glob('*.html'))
    assert 'study/claims.html' in study and len(study) > 2, f"study pages missing from the site: {study}"
    pages = ['index.html', *study, API_PAGE]
    from genstudy.docs import page_name
    with_figures = {page_name(nb.relative_to(ROOT/'nbs')) for nb in (ROOT/'nbs'/'study').glob('*.ipynb') if 'save_fig(' in nb.read_text()}
    opts = Options(); opts.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
              '--disable-background-networking', '--disable-component-update', '--disable-sync', f'--window-size={WINDOW[0]},{WINDOW[1]}',
              # the network unplugged: every host but this machine's loopback (where the site is served) is unreachable
              '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    problems = []
    try:
        with serve(site) as base:
            for page in pages:
                driver.get(f"{base}/{page}")
                for _ in range(40):
                    if driver.execute_script("return document.readyState") == 'complete': break
                    time.sleep(0.25)
                if page == API_PAGE:   # MathJax typesets after load
                    for _ in range(40):
                        if driver.execute_script("return document.querySelectorAll('mjx-container').length"): break
                        time.sleep(0.25)
                found, info = page_problems(driver, page)
                problems += found
                if page in with_figures and not info['imgs']: problems.append(f"{page}: no figures (loaded {driver.current_url}, title {driver.title!r})")
                if page == API_PAGE:
                    if not info['mjx']: problems.append(f"{page}: no maths rendered (MathJax output elements absent)")
                    if not driver.execute_script("return Array.from(document.querySelectorAll('table th')).some(t => t.innerText.trim() == 'Details')"):
                        problems.append(f"{page}: no parameter table in the API entries")
                    if '__main__.' in driver.find_element('tag name', 'body').text:
                        problems.append(f"{page}: a signature names a class as __main__.X (the notebook's namespace) instead of X")
                if page == 'study/claims.html' and not driver.execute_script("return document.querySelectorAll('table').length"):
                    problems.append(f"{page}: no claims table")
    finally: driver.quit()
    assert not problems, '\n'.join(problems)
