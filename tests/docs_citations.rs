#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The project's knowledge stays in the repository: every section citation of docs/salesforce.md
//! in the code, the simulated org, the extension, the scripts and the documents names a heading
//! that exists there; every quoted section title after docs/architecture.md names a heading of that
//! file; every `docs/*.md` mentioned exists; the documents name no file of the repository that has
//! moved; and nothing cites a file that lives outside the repository (the old facts file, the
//! shared design notes). A failure names each offending file and line.
//!
//! In this repository a section sign followed by a capital letter always means a section of
//! docs/salesforce.md, with or without the file name in front (`§C.1`, `§C.1–§C.7`, `§H.Q1 1b`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Directories and top-level files whose text may cite the docs.
const SCANNED: [&str; 12] = [
    "src",
    "tests",
    "extension",
    "scripts",
    "xtask",
    "examples",
    "docs",
    "README.md",
    "Makefile",
    "Cargo.toml",
    "manifest.json",
    "package.json",
];

/// Directories never scanned: build output, installed packages, test artifacts.
const SKIPPED_DIRS: [&str; 6] = ["target", "node_modules", "artifacts", ".git", "pkg", "dist"];

/// The section sign, written as an escape so this file's own source holds no citation.
const SECTION: char = '\u{a7}';

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One line of one scanned file.
struct Line<'a> {
    file: &'a str,
    number: usize,
    text: &'a str,
}

/// Every scanned file, as (path relative to the root, contents); files that are not UTF-8 text are
/// left out (images, fonts).
fn scanned_files(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = SCANNED.iter().map(|p| root.join(p)).collect();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let skipped = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SKIPPED_DIRS.contains(&n));
            if skipped {
                continue;
            }
            let entries = std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            for entry in entries {
                pending.push(entry.unwrap().path());
            }
        } else if path.is_file() {
            if let Ok(text) = std::fs::read_to_string(&path) {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                files.push((relative.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    files.sort();
    files
}

/// The identifier a Markdown heading of docs/salesforce.md declares: its first word without a
/// trailing `.`/`:` when that word looks like `C.1`, `H.Q1`, `E`; plus `H.Q1 1a` when the next word
/// is a subpart (a digit and a letter).
fn heading_ids(markdown: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for line in markdown.lines() {
        let Some(rest) = line.strip_prefix('#') else {
            continue;
        };
        let text = rest.trim_start_matches('#').trim();
        let mut words = text.split_whitespace();
        let Some(first) = words.next() else { continue };
        let id = first.trim_end_matches(['.', ':']);
        if !is_section_id(id) {
            continue;
        }
        ids.insert(id.to_owned());
        if let Some(second) = words.next() {
            if is_subpart(second) {
                ids.insert(format!("{id} {second}"));
            }
        }
    }
    ids
}

/// `A`, `C.1`, `H.Q1`, `I.12`: a capital letter, then dot-separated letters and digits.
fn is_section_id(word: &str) -> bool {
    let mut parts = word.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| p.len() == 1 && p.chars().all(|c| c.is_ascii_uppercase()));
    first_ok && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `1a`, `1b`: the subparts of a question in section H.
fn is_subpart(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(d), Some(l), None) if d.is_ascii_digit() && l.is_ascii_lowercase()
    )
}

/// The section identifiers cited on one line: each section sign followed by a capital letter,
/// read as far as the identifier goes (`§C.3.` ends at `C.3`), with a subpart (`§H.Q1 1b`) where
/// one follows an `H.Q…` identifier.
fn cited_ids(line: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(SECTION) {
        rest = &rest[at + SECTION.len_utf8()..];
        let mut chars = rest.char_indices().peekable();
        let Some((_, letter)) = chars.next() else {
            break;
        };
        if !letter.is_ascii_uppercase() {
            continue;
        }
        let mut end = letter.len_utf8();
        // `.` followed by at least one letter or digit continues the identifier.
        loop {
            let tail = &rest[end..];
            let mut tail_chars = tail.chars();
            if tail_chars.next() != Some('.') {
                break;
            }
            let part_len: usize = tail_chars
                .take_while(char::is_ascii_alphanumeric)
                .map(char::len_utf8)
                .sum();
            if part_len == 0 {
                break;
            }
            end += 1 + part_len;
        }
        let mut id = rest[..end].to_owned();
        let after = &rest[end..];
        if id.starts_with("H.Q") {
            if let Some(candidate) = after.strip_prefix(' ') {
                let word: String = candidate
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                if is_subpart(&word) {
                    id = format!("{id} {word}");
                }
            }
        }
        ids.push(id);
        rest = after;
    }
    ids
}

/// Text that points outside the repository, built from pieces so this file does not match itself.
fn outside_references() -> Vec<(String, &'static str)> {
    vec![
        (
            format!("facts {SECTION}"),
            "cites the facts file outside the repository; cite a section of docs/salesforce.md",
        ),
        (
            concat!("salesforce", "-facts").to_owned(),
            "names the facts file outside the repository; cite docs/salesforce.md",
        ),
        (
            concat!("/work", "/").to_owned(),
            "names a path on the build machine, outside the repository",
        ),
        (
            concat!("../sh", "ared/").to_owned(),
            "names a directory outside the repository",
        ),
    ]
}

/// A token that starts right here (not in the middle of a path or word).
fn starts_token(line: &str, at: usize) -> bool {
    line[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.')))
}

/// Problems with references to files: outside the repository, or a `docs/*.md` that isn't there.
fn file_reference_problems(line: &Line<'_>, root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (needle, why) in outside_references() {
        if line.text.contains(&needle) {
            problems.push(format!("{}:{}: {why}", line.file, line.number));
        }
    }
    let shared = concat!("shared", "/");
    for (at, _) in line.text.match_indices(shared) {
        if starts_token(line.text, at) {
            problems.push(format!(
                "{}:{}: names `{shared}…`, a directory outside the repository",
                line.file, line.number
            ));
        }
    }
    let design = concat!("design", ".md");
    for (at, _) in line.text.match_indices(design) {
        if !line.text[..at].ends_with("docs/") {
            problems.push(format!(
                "{}:{}: names `{design}` outside the repository; the design notes are docs/architecture.md",
                line.file, line.number
            ));
        }
    }
    for (at, _) in line.text.match_indices("docs/") {
        if !starts_token(line.text, at) {
            continue;
        }
        let name: String = line.text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'))
            .collect();
        let name = name.trim_end_matches('.');
        if name.ends_with(".md") && !root.join(name).is_file() {
            problems.push(format!(
                "{}:{}: names `{name}`, which is not in the repository",
                line.file, line.number
            ));
        }
    }
    problems
}

/// Top-level directories of this repository; a path in backticks that starts with one of them, in
/// the documents, names a file of this repository.
const OWN_DIRS: [&str; 7] = [
    "src/",
    "tests/",
    "extension/",
    "scripts/",
    "xtask/",
    "examples/",
    "docs/",
];

/// Extensions of the files the documents point at (`.ts` paths in docs/salesforce.md are other
/// projects' sources and are not checked).
const OWN_EXTENSIONS: [&str; 9] = [
    ".rs", ".js", ".mjs", ".sh", ".md", ".json", ".toml", ".css", ".html",
];

/// In the documents (docs/*.md, README.md): backticked paths of this repository that do not exist,
/// so a document does not keep pointing at a file that moved.
fn stale_paths(line: &Line<'_>, root: &Path) -> Vec<String> {
    let is_document =
        line.file == "README.md" || (line.file.starts_with("docs/") && line.file.ends_with(".md"));
    if !is_document {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for (index, piece) in line.text.split('`').enumerate() {
        // Odd pieces are inside backticks.
        if index % 2 == 0 || piece.contains([' ', '*', '<', '{', '…']) {
            continue;
        }
        let ours = OWN_DIRS.iter().any(|d| piece.starts_with(d))
            && OWN_EXTENSIONS.iter().any(|e| piece.ends_with(e));
        if ours && !root.join(piece).exists() {
            problems.push(format!(
                "{}:{}: names `{piece}`, which is not in the repository (moved?)",
                line.file, line.number
            ));
        }
    }
    problems
}

/// Strips what starts a comment or list line, so a quoted title wrapped over lines joins up.
fn strip_line_lead(line: &str) -> &str {
    let mut text = line.trim_start();
    for lead in ["//!", "///", "//", "/**", "*", "#", "<!--", "|", "-"] {
        if let Some(rest) = text.strip_prefix(lead) {
            text = rest.trim_start();
            break;
        }
    }
    text
}

/// The quoted section titles that follow a mention of docs/architecture.md, as (line number,
/// title); a title may wrap onto the next lines of the same comment. A quote mark followed by
/// anything but a letter (the end of a string literal) starts no title.
fn architecture_titles(text: &str) -> Vec<(usize, String)> {
    let needle = "docs/architecture.md";
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        for (at, _) in line.match_indices(needle) {
            let after = line[at + needle.len()..].trim_start_matches([',', ' ']);
            let Some(quoted) = after.strip_prefix('"') else {
                continue;
            };
            if !quoted.starts_with(|c: char| c.is_alphabetic()) {
                continue;
            }
            let mut title = quoted.to_owned();
            let mut next = index + 1;
            while !title.contains('"') && next < lines.len() && next <= index + 3 {
                title.push(' ');
                title.push_str(strip_line_lead(lines[next]));
                next += 1;
            }
            if let Some(end) = title.find('"') {
                found.push((index + 1, title[..end].trim().to_owned()));
            }
        }
    }
    found
}

/// The heading texts of a Markdown file, lower-cased, without the `#`s.
fn heading_texts(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_lowercase())
        .collect()
}

#[test]
fn every_citation_resolves_to_a_heading_and_none_leaves_the_repository() {
    let root = root();
    let salesforce = std::fs::read_to_string(root.join("docs/salesforce.md"))
        .expect("docs/salesforce.md exists");
    let architecture = std::fs::read_to_string(root.join("docs/architecture.md"))
        .expect("docs/architecture.md exists");
    let ids = heading_ids(&salesforce);
    let architecture_headings = heading_texts(&architecture);

    let files = scanned_files(&root);
    let mut problems = Vec::new();
    let mut citations = 0usize;
    let mut citing_files = BTreeSet::new();
    for (file, text) in &files {
        for (index, raw) in text.lines().enumerate() {
            let line = Line {
                file,
                number: index + 1,
                text: raw,
            };
            for id in cited_ids(line.text) {
                citations += 1;
                citing_files.insert(file.clone());
                if !ids.contains(&id) {
                    problems.push(format!(
                        "{}:{}: cites salesforce.md {SECTION}{id}, which has no heading in docs/salesforce.md",
                        line.file, line.number
                    ));
                }
            }
            problems.extend(file_reference_problems(&line, &root));
            problems.extend(stale_paths(&line, &root));
        }
        for (number, title) in architecture_titles(text) {
            let wanted = title.to_lowercase();
            if !architecture_headings.iter().any(|h| h.starts_with(&wanted)) {
                problems.push(format!(
                    "{file}:{number}: cites docs/architecture.md \"{title}\", which has no such heading"
                ));
            }
        }
    }
    println!(
        "{citations} citations of docs/salesforce.md in {} files, {} distinct sections defined",
        citing_files.len(),
        ids.len()
    );
    let mut report = String::new();
    for problem in &problems {
        let _ = writeln!(report, "  {problem}");
    }
    assert!(
        problems.is_empty(),
        "{} citation problem(s):\n{report}",
        problems.len()
    );
    assert!(
        citations > 0,
        "no citations found: is the scan looking in the right place?"
    );
}

/// The identifiers the code was written against (the sections of the facts the project started
/// from) must all stay, so that no citation silently loses its target.
#[test]
fn the_established_section_identifiers_all_exist() {
    let salesforce = std::fs::read_to_string(root().join("docs/salesforce.md"))
        .expect("docs/salesforce.md exists");
    let ids = heading_ids(&salesforce);
    let mut required: Vec<String> = Vec::new();
    for (letter, count) in [("A", 6), ("B", 6), ("C", 7), ("D", 7), ("F", 6), ("I", 6)] {
        required.push(letter.to_owned());
        required.extend((1..=count).map(|n| format!("{letter}.{n}")));
    }
    required.extend(["E", "G", "H", "H.9", "H.10"].map(str::to_owned));
    required.extend((1..=8).map(|n| format!("H.Q{n}")));
    required.extend(["H.Q1 1a", "H.Q1 1b", "H.Q1 1c"].map(str::to_owned));
    let missing: Vec<&String> = required.iter().filter(|id| !ids.contains(*id)).collect();
    assert!(missing.is_empty(), "docs/salesforce.md lacks {missing:?}");
}

#[test]
fn citations_are_read_as_written() {
    let s = SECTION;
    assert_eq!(cited_ids(&format!("(salesforce.md {s}C.1)")), ["C.1"]);
    assert_eq!(
        cited_ids(&format!("{s}C.1–{s}C.7, {s}H.Q3/{s}H.Q5.")),
        ["C.1", "C.7", "H.Q3", "H.Q5"]
    );
    assert_eq!(cited_ids(&format!("{s}H.Q1 1b/1c labels")), ["H.Q1 1b"]);
    assert_eq!(cited_ids(&format!("{s}H.Q1: the list")), ["H.Q1"]);
    assert_eq!(cited_ids(&format!("{s}E, {s}B:")), ["E", "B"]);
    assert_eq!(cited_ids(&format!("`{s}B.1`")), ["B.1"]);
    assert_eq!(cited_ids(&format!("{s}C.3. Then")), ["C.3"]);
    assert!(cited_ids(&format!("RFC 9110 {s}15.4")).is_empty());
}

#[test]
fn headings_declare_their_identifiers() {
    let ids = heading_ids(
        "## A. Sessions\n### C.1 PermissionSet\n#### H.Q1 1a The list\n### H.Q1 Users\n## E. XML\nplain",
    );
    let expected: BTreeSet<String> = ["A", "C.1", "H.Q1 1a", "H.Q1", "E"]
        .map(str::to_owned)
        .into_iter()
        .collect();
    assert_eq!(ids, expected);
}

#[test]
fn a_citation_of_a_missing_section_or_an_outside_file_is_reported() {
    let root = root();
    let ids = heading_ids(&std::fs::read_to_string(root.join("docs/salesforce.md")).unwrap());
    let missing = format!("see salesforce.md {SECTION}C.99");
    assert!(cited_ids(&missing).iter().any(|id| !ids.contains(id)));
    for text in [
        format!("per facts {SECTION}C.1"),
        format!("see {}", concat!("../sh", "ared/", "design", ".md")),
        format!("see `{}`", concat!("sh", "ared/", "design", ".md")),
        format!("see {}", concat!("docs/", "nowhere", ".md")),
    ] {
        let line = Line {
            file: "example.rs",
            number: 1,
            text: &text,
        };
        assert!(
            !file_reference_problems(&line, &root).is_empty(),
            "{text} should be reported"
        );
    }
    let fine = Line {
        file: "example.rs",
        number: 1,
        text: "see docs/salesforce.md and src/shared/mod.rs",
    };
    assert!(file_reference_problems(&fine, &root).is_empty());
}

#[test]
fn a_document_naming_a_moved_file_is_reported() {
    let root = root();
    let moved = Line {
        file: "docs/architecture.md",
        number: 1,
        text: "see `src/nowhere/gone.rs` and `src/lib.rs` and jsforce `src/soap.ts`",
    };
    assert_eq!(stale_paths(&moved, &root).len(), 1);
    let code = Line {
        file: "src/lib.rs",
        number: 1,
        text: "see `src/nowhere/gone.rs`",
    };
    assert!(stale_paths(&code, &root).is_empty());
}

#[test]
fn a_wrapped_architecture_title_is_joined() {
    let text = "/// page's origin (docs/architecture.md \"Where code\n/// runs\").\n";
    assert_eq!(
        architecture_titles(text),
        [(1, "Where code runs".to_owned())]
    );
}
