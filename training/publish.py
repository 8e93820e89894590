"""Publish the lab to the Hugging Face Hub: every shipped model, evaluated, one commit per model repo,
tagged; and optionally the app itself as a Gradio Space that loads those repos at that tag.

    python -m training.publish --namespace NS --revision v1 --space NS/vae-vs-gan-lab --dry-run
    python -m training.publish --namespace NS --revision v1 --space NS/vae-vs-gan-lab

Nothing is uploaded unless every model folder holds every file the app reads (`models.registry.app_files`)
and its metrics.json comes from `python -m training.evaluate`. The token comes from `HF_TOKEN` or
`hf auth login` and is never printed; `--dry-run` lists what would go where without a token or the network.

The Space ships the app's code (app.py, lab/, ui/, models/, requirements.txt) and, as a fallback, the files
the app reads from each model folder (weights/<name>/, about 30 MB): it loads the models from the Hub repos
at `--revision` (Space variables LAB_HUB_NAMESPACE and LAB_HUB_REVISION), and if the Hub cannot serve one,
lab/loading.py says so on the page and uses the shipped copy, which this same command uploaded.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from models.registry import CARD_FILE, MODEL_NAMES, app_files, missing_app_files
from training.model_card import model_card

ROOT = Path(__file__).resolve().parents[1]
SPACE_CODE = ["app.py", "requirements.txt", "lab", "ui", "models"]  # what the Space runs; not tests/ or training/


@dataclass
class Upload:
    """One commit to one Hub repo: path in the repo -> a local file, or generated text."""

    repo_id: str
    repo_type: str  # "model" or "space"
    files: dict[str, Path | str]
    variables: dict[str, str] = field(default_factory=dict)  # Space variables (environment of the app)


def shipped_files(path: Path) -> list[Path]:
    """A file, or every file under a folder, leaving out caches and hidden and temporary files."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".tmp")
                  and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(path).parts))


def model_upload(folder: Path, repo_id: str, revision: str | None = None, space: str | None = None) -> Upload:
    """The whole weights folder, with the model card rewritten to name the repo (and tag) it loads from."""
    files: dict[str, Path | str] = {p.relative_to(folder).as_posix(): p for p in shipped_files(folder)}
    files[CARD_FILE] = str(model_card(folder, repo_id, revision, space))
    return Upload(repo_id, "model", dict(sorted(files.items())))


def space_card(readme: Path, repo_ids: list[str]) -> str:
    """The repository README with its Space front matter listing the model repos the Space loads."""
    from huggingface_hub import SpaceCard

    card = SpaceCard.load(readme)
    card.data.models = repo_ids
    return str(card)


def space_upload(space: str, namespace: str, revision: str, weights_dir: Path, names: list[str],
                 root: Path = ROOT) -> Upload:
    repo_ids = [f"{namespace}/{name}" for name in names]
    files: dict[str, Path | str] = {}
    for entry in SPACE_CODE:
        files.update({p.relative_to(root).as_posix(): p for p in shipped_files(root / entry)})
    files["README.md"] = space_card(root / "README.md", repo_ids)
    for name, repo_id in zip(names, repo_ids, strict=True):  # the fallback copy: only what the app reads
        model = model_upload(weights_dir / name, repo_id, revision, space)
        files.update({f"weights/{name}/{f}": model.files[f] for f in app_files(name)})
    return Upload(space, "space", files, {"LAB_HUB_NAMESPACE": namespace, "LAB_HUB_REVISION": revision})


def check(weights_dir: Path, names: list[str]) -> list[str]:
    """Every model folder's missing files, one line per folder; [] when all can be published."""
    return [f"{weights_dir / name}: {', '.join(missing)}"
            for name in names if (missing := missing_app_files(weights_dir / name))]


def plan(namespace: str, revision: str | None = None, space: str | None = None, weights_dir: Path = ROOT / "weights",
         names: list[str] = MODEL_NAMES, root: Path = ROOT) -> list[Upload]:
    """What goes where: one Upload per model repo, then the Space's. Raises ValueError naming what is missing."""
    if space and not revision:
        raise ValueError("--space needs --revision: the Space loads the model repos at that tag")
    problems = check(weights_dir, names)
    if problems:
        raise ValueError("not published, these folders are incomplete or not evaluated:\n  " + "\n  ".join(problems))
    uploads = [model_upload(weights_dir / name, f"{namespace}/{name}", revision, space) for name in names]
    if space:
        uploads.append(space_upload(space, namespace, revision, weights_dir, names, root))
    return uploads


def describe(uploads: list[Upload], revision: str | None) -> str:
    """The dry run's listing: each repo, its files and sizes, its tag and variables."""
    lines = []
    for up in uploads:
        sizes = {path: (f.stat().st_size if isinstance(f, Path) else len(f.encode())) for path, f in up.files.items()}
        tag = f", tagged {revision}" if revision else ""
        lines.append(f"{up.repo_type} {up.repo_id}: one commit of {len(up.files)} files, "
                     f"{sum(sizes.values()) / 1e6:.1f} MB{tag}")
        lines += [f"    {key}={value}  (Space variable)" for key, value in up.variables.items()]
        for path, f in up.files.items():
            origin = f.relative_to(ROOT) if isinstance(f, Path) and f.is_relative_to(ROOT) else f
            lines.append(f"    {path:48s} {sizes[path]:>10,d} B  " + (f"<- {origin}" if isinstance(f, Path)
                                                                       else "(generated)"))
    return "\n".join(lines)


def existing_tag(api, up: Upload, revision: str) -> bool:
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        refs = api.list_repo_refs(up.repo_id, repo_type=up.repo_type)
    except RepositoryNotFoundError:
        return False
    return any(tag.name == revision for tag in refs.tags)


def push(up: Upload, api, revision: str | None = None, private: bool = False) -> str:
    """Create the repo if needed, set its variables, upload every file in one commit, tag it. Returns the commit."""
    from huggingface_hub import CommitOperationAdd

    api.create_repo(up.repo_id, repo_type=up.repo_type, private=private, exist_ok=True,
                    **({"space_sdk": "gradio"} if up.repo_type == "space" else {}))
    for key, value in up.variables.items():
        api.add_space_variable(up.repo_id, key, value)
    operations = [CommitOperationAdd(path_in_repo=path, path_or_fileobj=str(f) if isinstance(f, Path) else f.encode())
                  for path, f in up.files.items()]
    commit = api.create_commit(up.repo_id, operations, repo_type=up.repo_type,
                               commit_message=f"Publish {up.repo_id.split('/')[-1]} from VAE vs GAN Lab"
                                              + (f" ({revision})" if revision else ""))
    if revision:
        api.create_tag(up.repo_id, tag=revision, revision=commit.oid, repo_type=up.repo_type)
    print(f"{up.repo_type} https://huggingface.co/{'spaces/' if up.repo_type == 'space' else ''}{up.repo_id}: "
          f"commit {commit.oid}" + (f", tag {revision}" if revision else ""), flush=True)
    return commit.oid


def hub_api():
    """An HfApi with the token from HF_TOKEN or `hf auth login` (never printed)."""
    from huggingface_hub import HfApi, get_token

    if not get_token():
        raise SystemExit("publish: no Hub token: set HF_TOKEN or run `hf auth login`")
    return HfApi()


def push_to_hub(folder: str | Path, repo_id: str, api=None, private: bool = False) -> str:
    """Upload an evaluated weights folder to a Hub model repo in one commit; returns the commit.

    Refuses (FileNotFoundError naming the files) a folder that lacks a file the app reads, or whose
    metrics.json is not from `training.evaluate`. The token comes from `HF_TOKEN` or `hf auth login`.
    `api` is an `HfApi` (tests pass a double). A training script's --push-to-hub calls this
    (training/finish.py); to publish every model, tagged, and the Space: `python -m training.publish`.
    """
    folder = Path(folder)
    missing = missing_app_files(folder)
    if missing:
        raise FileNotFoundError(f"{folder} is not ready for the Hub, it lacks: {'; '.join(missing)}. "
                                "Evaluate it, then push it or run `python -m training.publish`.")
    return push(model_upload(folder, repo_id), api or hub_api(), private=private)


def publish(namespace: str, revision: str | None = None, space: str | None = None, dry_run: bool = False,
            api=None, weights_dir: Path = ROOT / "weights", names: list[str] = MODEL_NAMES,
            root: Path = ROOT, private: bool = False) -> dict[str, str]:
    """Check, then upload every model (and the Space). `api` is an `HfApi` (tests pass a double).
    Returns repo id -> commit; {} for a dry run."""
    uploads = plan(namespace, revision, space, Path(weights_dir), names, Path(root))
    if dry_run:
        print(describe(uploads, revision))
        return {}
    api = api or hub_api()
    if revision:
        taken = [up.repo_id for up in uploads if existing_tag(api, up, revision)]
        if taken:
            raise ValueError(f"tag {revision!r} already exists on {', '.join(taken)}: choose a new --revision")
    return {up.repo_id: push(up, api, revision, private) for up in uploads}


def main(argv: list[str] | None = None) -> dict[str, str]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--namespace", required=True, help="Hub user or organisation: models go to <namespace>/<name>")
    p.add_argument("--revision", default=None, help="tag every commit with this (e.g. v1); the app's LAB_HUB_REVISION")
    p.add_argument("--space", default=None, metavar="NS/NAME", help="also upload the app as this Gradio Space")
    p.add_argument("--weights", default=str(ROOT / "weights"), help="the weights folder (default weights/)")
    p.add_argument("--private", action="store_true", help="create new repos as private")
    p.add_argument("--dry-run", action="store_true", help="list what would go where; no token, no network")
    args = p.parse_args(argv)
    if "/" in args.namespace:
        p.error(f"--namespace is a user or organisation, without '/': got {args.namespace!r}")
    if args.space and args.space.count("/") != 1:
        p.error(f"--space is NS/NAME, got {args.space!r}")
    try:
        return publish(args.namespace, args.revision, args.space, args.dry_run, weights_dir=Path(args.weights),
                       private=args.private)
    except ValueError as err:
        sys.exit(f"publish: {err}")


if __name__ == "__main__":
    main()
