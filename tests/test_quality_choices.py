"""The quality page's committed search can be read back outside a notebook (as `genstudy bench recipes` reads it)."""
from conftest import ROOT
from genstudy.quality import quality_choices, GAN_SIZE

def test_committed_cpu_search_reads_back():
    "The cpu search's picks come back from results/ with the sentence that says how; the GAN's were searched on the page's 32×32 DCGAN."
    c = quality_choices(ROOT/'results', 'cpu')
    assert c is not None, "no complete cpu search in results/quality: rerun the search page (genstudy rerun --profile cpu --only search)"
    assert c['gan'].tuning['trials'] == c['diffusion'].tuning['trials']   # equal tuning
    assert 'best of' in c['gan'].why and c['gan'].config.lr_g > 0 and GAN_SIZE == 32
