"""Tab "Anomalies & denoising": what a VAE's encoder and likelihood are good for besides sampling.
Anomaly detection with a score threshold (histograms, ROC, AUROC) and denoising measured by PSNR."""

from types import SimpleNamespace

import gradio as gr
import numpy as np

from lab import examples as ex
from lab.anomaly import anomaly_roc, nalisnick_figure, reference_scores
from lab.denoise import NOISE_TYPES, denoise
from lab.loading import Lab
from models.registry import DATASETS
from ui.access import ALT_TEXT
from ui.common import ImageUpload, ResultImage, bring_into_view, examples, friendly
from ui.presenter import explain

ANOMALY_HELP = """### 1 · Anomaly detection (below: 2 · denoising, measured)
The MNIST VAE gives every image a score: its **negative ELBO** in nats,
a bound on −log p(x): how surprised the model is (reconstruction cost + the KL cost of the code). We use it
rather than the reconstruction error because it is the model's own likelihood, which also counts how unusual
the code is. Images scoring above the **threshold** are flagged as "not an MNIST digit". The **ROC curve** shows every
threshold at once: the share of anomalies caught against the share of real test digits wrongly flagged;
**AUROC** 1.0 is a perfect detector, 0.5 is a coin toss."""

DENOISE_HELP = """### 2 · Denoising, measured
Spoil a clean digit with noise, pass it through the VAE, and compare both
with the clean digit by **PSNR** (peak signal-to-noise ratio, 10·log10(1 / mean squared error), in dB: higher is
closer to the clean image). The VAE only knows how to draw digits, so it tends to drop what does not look like
one; the PSNR gain says whether that helped, for this picture and this noise."""


def roc_text(result: dict | None) -> str:
    if not result:
        return ""
    lines = [f"At threshold **{result['threshold']:g} nats**: **{result['true_positive_rate_fashion-mnist']:.1%}** "
             f"of Fashion-MNIST images and **{result['true_positive_rate_noise']:.1%}** of noise images flagged "
             f"(true positive rates), **{result['false_positive_rate_mnist']:.1%}** of MNIST test digits flagged "
             f"(false positive rate).",
             f"AUROC: Fashion-MNIST **{result['auroc_fashion-mnist']:.4f}**, noise **{result['auroc_noise']:.4f}**."]
    if "your_score" in result:
        verdict = "flagged as an anomaly" if result["your_picture_flagged"] else "accepted as a digit"
        lines.append(f"**Your picture** scores {result['your_score']:g} nats ({verdict}); "
                     f"{result['your_percentile_among_mnist']:g} % of MNIST test digits score lower.")
    return "  \n".join(lines)


def nalisnick_text(summary: dict) -> str:
    likelier = summary["fashion_vae_median_neg_elbo_mnist"] < summary["fashion_vae_median_neg_elbo_fashion"]
    verdict = ("**Yes, it does**: this model would call digits *more* typical than the clothes it was trained on."
               if likelier else "**No**: here the Fashion-MNIST VAE does find its own test images likelier.")
    return (f"**The surprise** (Nalisnick et al. 2019, *Do deep generative models know what they don't know?*): "
            f"does a VAE trained on Fashion-MNIST give MNIST digits a *higher* likelihood (lower −ELBO) than "
            f"Fashion-MNIST test images? {verdict} Median −ELBO: MNIST digits "
            f"{summary['fashion_vae_median_neg_elbo_mnist']:g} nats, Fashion-MNIST test images "
            f"{summary['fashion_vae_median_neg_elbo_fashion']:g}; {summary['fashion_vae_share_mnist_likelier']:.0%} "
            f"of the digits score below the median garment. As a digit detector its −ELBO has AUROC "
            f"{summary['fashion_vae_auroc_mnist']:.2f} (below 0.5: worse than chance); its reconstruction error "
            f"has {summary['fashion_vae_auroc_mnist_reconstruction_error']:.2f}. Likelihood rewards simple images "
            f"(mostly black background is easy to predict), not images like the training data.")


def denoise_text(result: dict | None) -> str:
    if not result:
        return ""

    def db(value):
        return "∞ (identical)" if value is None else f"{value:.1f} dB"

    gain = "" if result["gain_db"] is None else f" · **gain {result['gain_db']:+.1f} dB**"
    return (f"PSNR noisy vs clean: **{db(result['psnr_noisy_db'])}** · VAE output vs clean: "
            f"**{db(result['psnr_denoised_db'])}**{gain}  \n<small>{result['noise']}: {result['what']}</small>")


def build(lab: Lab) -> SimpleNamespace:
    @friendly
    def on_roc(threshold, image):
        return anomaly_roc(lab, threshold, image)

    @friendly
    def on_denoise(image, dataset, kind, level):
        return denoise(lab, image, dataset, kind, level)

    start = float(np.percentile(reference_scores(lab, "vae-mnist")["mnist"], 99).round())  # flags 1 % of digits
    first = anomaly_roc(lab, start)
    nalisnick_chart, summary = nalisnick_figure(lab)
    dataset = gr.Radio(list(DATASETS), value="MNIST", label="VAE trained on", render=False)
    # two sections, one under the other (see ui/kl.py)
    with gr.Tab("Anomalies & denoising", id="anomalies", elem_id="tab-anomalies"):
        with gr.Column():
            explain(ANOMALY_HELP, "Explanation: scores, threshold, ROC")
            with gr.Row():
                with gr.Column(scale=2):
                    threshold = gr.Slider(20, 1000, value=start, step=1,
                                          label="Threshold (nats): flag images whose −ELBO is at least this")
                    readout = gr.Markdown(roc_text(first[2]), elem_id="anomaly-readout")
                with gr.Column(scale=1):
                    upload = ImageUpload(type="filepath", label="Your picture: where does it land?",
                                         sources=["upload", "clipboard"], format="png", height=150,
                                         elem_id="anomaly-upload")
            with gr.Row(elem_id="anomaly-charts"):
                histogram = ResultImage(first[0], label="Scores of each test set", format="png",
                                     alt_text=ALT_TEXT["anomaly-histogram"], interactive=False,
                                     show_label=False, height=360, elem_id="anomaly-histogram")
                roc = ResultImage(first[1], label="ROC curve (dots: the threshold above)", format="png",
                               alt_text=ALT_TEXT["anomaly-roc"],
                               interactive=False, show_label=False, height=360, elem_id="anomaly-roc")
            examples([[e.path] for e in ex.ANOMALY], [upload],
                     "Place an example on the histogram: MNIST test digits, a (simulated) photo of a 3, a drawn 4, "
                     "a house (not a digit), an ankle boot (Fashion-MNIST)", "anomaly-examples")
            with gr.Row():
                with gr.Column(scale=2):
                    gr.Markdown(nalisnick_text(summary), elem_id="nalisnick")
                with gr.Column(scale=3):
                    ResultImage(nalisnick_chart, label="Fashion-MNIST VAE: MNIST digits look likelier?", format="png",
                             alt_text=ALT_TEXT["nalisnick-chart"],
                             interactive=False, show_label=False, height=300, elem_id="nalisnick-chart")
            with gr.Accordion("All figures (JSON, as the /anomaly_roc API returns them)", open=False):
                result = gr.JSON(first[2], label="Result", max_height=300)

        with gr.Column():
            explain(DENOISE_HELP, "Explanation: denoising and PSNR")
            with gr.Row():
                with gr.Column():
                    clean_upload = ImageUpload(type="filepath", label="A clean digit (or garment)",
                                               sources=["upload", "clipboard"], format="png", height=200,
                                               elem_id="denoise-upload")
                    examples([[e.path, e.dataset] for e in ex.DENOISE], [clean_upload, dataset],
                             "…or click an example: MNIST test digits, a (simulated) photo of a 3, "
                             "Fashion-MNIST trousers and a sneaker (they switch the data set)", "denoise-examples",
                             visible_columns=[0])
                with gr.Column():
                    kind = gr.Radio(list(NOISE_TYPES), value="Gaussian", label="Noise type")
                    level = gr.Slider(0, 1, value=0.5, step=0.05,
                                      label="Noise level (std, share of pixels, or block side / 28)")
                    dataset.render()
                    denoise_button = gr.Button("Add noise and denoise", variant="primary")
            with gr.Column(elem_id="denoise-results"):
                with gr.Row():
                    noisy = ResultImage(label="Noisy input", format="png",
                                     alt_text=ALT_TEXT["denoise-noisy"], interactive=False, height=224,
                                     elem_id="denoise-noisy")
                    denoised = ResultImage(label="VAE output", format="png",
                                        alt_text=ALT_TEXT["denoise-output"], interactive=False, height=224,
                                        elem_id="denoise-output")
                    clean = ResultImage(label="Clean input", format="png",
                                     alt_text=ALT_TEXT["denoise-clean"], interactive=False, height=224)
                denoise_readout = gr.Markdown(elem_id="denoise-readout")
            with gr.Accordion("All figures (JSON, as the /denoise API returns them)", open=False):
                denoise_result = gr.JSON(label="Result", max_height=300)

    roc_outputs = [histogram, roc, result]
    threshold.release(on_roc, [threshold, upload], roc_outputs, api_name="anomaly_roc").then(
        roc_text, result, readout, api_name=False)
    upload.change(on_roc, [threshold, upload], roc_outputs, api_name=False).then(
        roc_text, result, readout, api_name=False)
    denoised_event = denoise_button.click(on_denoise, [clean_upload, dataset, kind, level],
                                          [noisy, denoised, clean, denoise_result], api_name="denoise")
    # into view once the readout under the pictures is written too (it makes the result taller)
    bring_into_view(denoised_event.then(denoise_text, denoise_result, denoise_readout, api_name=False),
                    "denoise-results")
    return SimpleNamespace(threshold=threshold, upload=upload, result=result, denoise_result=denoise_result)
