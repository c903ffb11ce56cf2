"""No mention crosses a paragraph break: a feed entry's title and summary stay apart."""
from geo.inputs.read import read_inputs
from geo.pipeline import within_paragraphs
from geo.types import Mention

FEED = """<rss version="2.0"><channel><title>Wire</title>
<item><title>Floods in Sfax</title><description>Rain fell on the coast for a week.</description></item>
<item><title>Cold snap in Sfax</title><description>Rain Tunisia</description></item>
</channel></rss>"""


def test_a_feed_entrys_title_and_summary_stay_apart(tmp_path, geoparser):
    path = tmp_path / "wire.rss"
    path.write_text(FEED, encoding="utf-8")
    docs = list(read_inputs([path]))
    assert docs[0].text == "Floods in Sfax\n\nRain fell on the coast for a week."
    for result in geoparser.parse_many(docs):
        spans = [r.mention for r in result.resolutions]
        assert spans and all("\n" not in m.text for m in spans), spans
        assert "Sfax" in [m.text for m in spans]


def test_a_mention_across_a_break_is_found_again_paragraph_by_paragraph():
    text = "Floods in Sfax\n \nRain fell.\n\nLater, Gabes."
    seen = []

    def recognize(paragraph):
        seen.append(paragraph)
        return [Mention(paragraph.index(w), paragraph.index(w) + len(w), w, "GPE")
                for w in ("Sfax", "Rain") if w in paragraph]

    joined = Mention(10, 21, text[10:21], "GPE")  # "Sfax\n \nRain"
    gabes = Mention(text.index("Gabes"), text.index("Gabes") + 5, "Gabes", "GPE")
    found = within_paragraphs(text, [joined, gabes], recognize)
    assert seen == ["Floods in Sfax", "Rain fell."]  # only the paragraphs the mention touched
    assert [(m.text, text[m.start:m.end]) for m in found] == [("Sfax", "Sfax"), ("Rain", "Rain"), ("Gabes", "Gabes")]
    assert within_paragraphs(text, [gabes], recognize) == [gabes]
