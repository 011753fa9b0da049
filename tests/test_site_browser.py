"""The built docs site in headless Chromium (Debian's chromium + chromium-driver, installed by .ci/run):
the home page and every study page load with all their images and without console errors."""
import contextlib, functools, http.server, shutil, socketserver, threading
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = shutil.which('chromium'), shutil.which('chromedriver')


@contextlib.contextmanager
def serve(folder):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    with socketserver.TCPServer(('127.0.0.1', 0), handler) as httpd:
        t = threading.Thread(target=httpd.serve_forever, daemon=True); t.start()
        try: yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally: httpd.shutdown()


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="headless check needs Debian's chromium and chromium-driver (.ci/run installs them)")
def test_home_and_study_pages_load_in_chromium(smoke_run):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    site = ROOT/'scratch'/'smoke'/'_docs'
    pages = ['index.html'] + sorted(p.relative_to(site).as_posix() for p in (site/'study').glob('*.html'))
    assert len(pages) > 1, "no study pages in the site"
    from genstudy.docs import page_name
    study = ROOT/'nbs'/'study'
    with_figures = {page_name(nb.relative_to(ROOT/'nbs')) for nb in study.glob('*.ipynb') if 'save_fig(' in nb.read_text()}
    opts = Options(); opts.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
              '--disable-background-networking', '--disable-component-update', '--disable-sync'):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    problems = []
    try:
        with serve(site) as base:
            for page in pages:
                driver.get(f"{base}/{page}")
                imgs = driver.execute_script(
                    "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
                problems += [f"{page}: image {src} did not load" for src, ok in imgs if not ok]
                if page in with_figures and not imgs: problems.append(f"{page}: no figures")
                problems += [f"{page}: console: {l['message'][:200]}" for l in driver.get_log('browser')
                             if l['level'] == 'SEVERE' and 'favicon.ico' not in l['message']]   # the browser's own favicon probe
    finally: driver.quit()
    assert not problems, '\n'.join(problems)
