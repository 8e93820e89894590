"""Accessibility (WCAG 2.1 AA) for the whole page: a theme whose text keeps a 4.5:1 contrast, CSS for the parts
the theme does not reach (the footer, code, the focus ring), and `HEAD`, a script that repairs the markup Gradio
itself writes where an assistive technology would stumble. tests/ui/test_presenter_browser.py runs axe-core on
every tab in both modes; docs/accessibility.md lists each finding and what was done about it.

What `HEAD` repairs, each time the page changes (Gradio renders tabs and results as they arrive):
- an empty picture box carries `aria-label="Empty value"` on a plain <div> (axe: aria-prohibited-attr): it gets
  `role="img"`, so the label is allowed and read ("No picture yet");
- an example thumbnail is a <button> around an <img alt=""> (axe: button-name): it gets the example's name, from
  `lab.examples.DESCRIPTIONS` by its file name;
- a block that scrolls by a few pixels (a formula, a wide table on a phone) cannot be reached by keyboard (axe:
  scrollable-region-focusable): it gets `tabindex="0"` (checked again when fonts or pictures arrive and when the
  window is resized: they change what scrolls without changing the page's markup)."""

import json

import gradio as gr

from lab.examples import DESCRIPTIONS

# Gradio's default theme with its orange kept for accents, darker where text sits on it or beside it:
# white on orange-700 (#c2410c) is 5.2:1, where orange-500 was 2.8:1; neutral-600 (#52525b) on white is 7.7:1
# for the "soft" text (slider ends, "- or -", hints), where neutral-400 was 1.9:1.
THEME = gr.themes.Default().set(
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
    button_primary_text_color="white",
    button_primary_text_color_dark="white",
    color_accent="*primary_700",
    body_text_color_subdued="*neutral_600",
    body_text_color_subdued_dark="*neutral_300",
)

# What each picture on the page shows, for a screen reader (gr.Image alt_text), by the picture's elem_id. A
# result with its own figures (Generate's grids, Reconstruct's pictures, the arena's picture, the Time machine's
# and Mode collapse's grids) replaces it with a sentence about itself, which the API returns too.
ALT_TEXT = {
    "anomaly-histogram": (
        "Histogram chart: the VAE's anomaly scores of the MNIST test digits, of Fashion-MNIST garments and of"
        " noise, with the threshold marked; the readout above gives the figures in words"),
    "anomaly-roc": (
        "ROC chart: how many non-digits the anomaly score catches against how many real digits it wrongly "
        "flags, with the chosen threshold as a dot; its area under the curve is in the readout"),
    "nalisnick-chart": (
        "Histogram chart: the Fashion-MNIST VAE's likelihood of Fashion-MNIST test garments and of MNIST "
        "digits; the digits score higher although the model never saw one"),
    "denoise-noisy": "Your picture with noise added, 28 by 28 pixels, enlarged",
    "denoise-output": "The VAE's output for the noisy picture: the denoised version, enlarged",
    "denoise-clean": "Your picture without noise, 28 by 28 pixels, enlarged, for comparison",
    "arena-image": (
        "Two scatter plots side by side: the real 2-D data as circles and each model's samples as crosses, "
        "the GAN on the left over its discriminator's heat map, the VAE on the right; the meter below says "
        "how many modes each covers"),
    "arena-losses": (
        "Line chart over the training steps: the generator's and discriminator's losses and D's average "
        "verdict on real and on fake points"),
    "arena-coverage": "Line chart over the training steps: how many of the data's modes the GAN and the VAE cover",
    "generate-vae": (
        "Grid of pictures the VAE decoded from random codes; the readout below says how many the classifier "
        "recognises"),
    "generate-gan": (
        "Grid of pictures the GAN generated from random noise; the readout below says how many the classifier"
        " recognises"),
    "kl-vae-map": (
        "Scatter plot of the 2-D VAE's codes for the test digits, one colour and digit label per class: a "
        "round cloud around the centre, as the KL term asks"),
    "kl-ae-map": (
        "Scatter plot of the 2-D autoencoder's codes for the test digits, one colour and digit label per "
        "class: spread out, with gaps, as nothing holds them near the centre"),
    "kl-vae-grid": "Grid of pictures the VAE decoded from random codes drawn from N(0, I): mostly readable digits",
    "kl-ae-grid": "Grid of pictures the autoencoder decoded from the same random codes: many are not digits",
    "kl-chart": (
        "Bar chart: for each digit, how many of the random codes decode to it, for the VAE and for the "
        "autoencoder"),
    "invert-input": "Your digit as both models get it: 28 by 28 pixels, enlarged",
    "invert-vae": "The VAE's reconstruction of your digit after one pass through its encoder and decoder",
    "invert-gan": "The closest picture the GAN could make to your digit, found by searching its noise input",
    "latent-vae-map": (
        "Scatter plot of the 2-D VAE's latent space: test digits as dots, one colour and digit label per "
        "class; a white ring marks your last reconstructed digit"),
    "latent-ae-map": (
        "Scatter plot of the 2-D autoencoder's latent space: test digits as dots, one colour and digit label "
        "per class"),
    "latent-grid": (
        "Grid of pictures the 2-D VAE decodes at evenly spaced points of its latent space: neighbouring "
        "pictures change smoothly from one digit to the next"),
    "latent-vae-walk": (
        "A strip of pictures: the VAE's decoder along a straight line from the first picture's code to the "
        "second's"),
    "latent-gan-walk": (
        "A strip of pictures: the GAN's generator along a straight line between two noise vectors and classes"),
    "mode-collapse-grid": (
        "Grid of the collapsing GAN's samples at this epoch; the summary above says how many distinct digits "
        "it still makes"),
    "mode-collapse-histogram": (
        "Bar chart: how many of the collapsing GAN's samples the classifier reads as each digit"),
    "mode-collapse-healthy": "Grid of the healthy GAN's samples at the same epoch: all ten digits",
    "mode-collapse-healthy-histogram": (
        "Bar chart: how many of the healthy GAN's samples the classifier reads as each digit"),
    "quiz-image": "The quiz picture: a real test image, a VAE sample or a GAN sample; which one is the question",
    "reconstruct-input": "Your picture as the model sees it: 28 by 28 pixels, white ink on black, enlarged",
    "reconstruct-output": "The VAE's reconstruction of your picture; the verdict below says which digit it reads",
    "reconstruct-error": "Error map: bright where the reconstruction differs from your picture, dark where it matches",
    "use-cases-input": "Your digit as the use-case models get it: shrunk to 7 by 7 pixels, or its lower half hidden",
    "use-cases-bicubic": "Your shrunk digit enlarged again by bicubic interpolation: the baseline",
    "use-cases-l1": "The U-Net trained with the L1 loss alone: its answer for your digit",
    "use-cases-gan": "The U-Net trained with L1 plus a discriminator: its answer for your digit",
    "use-cases-truth": "Your digit as it was, 28 by 28 pixels, for comparison",
    "room-qr": "QR code of the room's join link, which is written above it",
    "room-picture": "This round's picture: a real test image, a VAE sample or a GAN sample; which one is the question",
    "room-tally": "Bar chart of the room's answers, one bar per choice, the right one marked; the text beside it says "
                  "the answer",
    "time-machine-grid": "Grid of 100 samples from the same noise vectors, drawn by the model saved at this epoch",
    "time-machine-chart-1": "Line chart over the training epochs, with this epoch marked; its title says what it shows",
    "time-machine-chart-2": "Line chart over the training epochs, with this epoch marked; its title says what it shows",
}

def describe_from(figures: gr.JSON, picture: gr.Image, key: str) -> None:
    """Whenever `figures` change, give `picture` their "description" as its alt text (ALT_TEXT[key] when they
    have none): a result's sentence for a screen reader, the one the API returns with it."""
    figures.change(lambda shown: gr.update(alt_text=(shown or {}).get("description") or ALT_TEXT[key]),
                   figures, picture, queue=False, api_visibility="private")


CSS = """
/* the footer's links ("Use via API", "Built with Gradio", "Settings") in readable grey */
footer, footer a, footer button { color: var(--body-text-color-subdued) !important; }
/* code (the Models tab's three lines): one dark colour; the syntax colours were 2.0-4.0:1 on white */
.cm-editor .cm-content span { color: var(--body-text-color) !important; }
/* a focus ring a keyboard user sees on every control, on white and on the orange buttons */
button:focus-visible, a:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible,
[tabindex]:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
"""

_REPAIR_JS = """
(() => {
  const names = %s;  // example file name -> what it shows (lab/examples.py DESCRIPTIONS)
  function repair() {
    document.querySelectorAll('.empty[aria-label]:not([role])').forEach(e => {
      e.setAttribute('role', 'img');
      e.setAttribute('aria-label', 'No picture yet');
    });
    document.querySelectorAll('button.gallery-item').forEach(button => {
      const img = button.querySelector('img');  // absent for a moment while the thumbnail renders
      const file = img ? decodeURIComponent(img.src.split('/').pop()) : '';
      const name = 'Example: ' + (names[file] || file || 'a picture');
      if (button.getAttribute('aria-label') !== name) button.setAttribute('aria-label', name);
    });
    document.querySelectorAll('.block, .prose table').forEach(e => {
      const style = getComputedStyle(e);
      const scrolls = (e.scrollWidth > e.clientWidth && /auto|scroll/.test(style.overflowX))
                   || (e.scrollHeight > e.clientHeight && /auto|scroll/.test(style.overflowY));
      if (scrolls && !e.hasAttribute('tabindex') && !e.querySelector('button, a, input, textarea, select')) {
        e.setAttribute('tabindex', '0');
      }
    });
  }
  let pending = false;
  const later = () => {
    if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; repair(); }); }
  };
  const start = () => {
    repair();
    new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
    // a block can start to scroll without a change to the markup: fonts or pictures arriving, a resize
    document.fonts.ready.then(later);
    document.addEventListener('load', later, true);  // a picture's load does not bubble: caught on its way down
    window.addEventListener('resize', later);
  };
  window.labRepair = repair;  // the browser tests run it before axe rather than wait for the next frame
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
"""

HEAD = "<script>" + _REPAIR_JS % json.dumps(DESCRIPTIONS) + "</script>"
