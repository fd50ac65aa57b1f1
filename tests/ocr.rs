//! Scanned PDFs (issue 15): a seed printed to PDF, rendered to 200 dpi
//! grey images and wrapped in a PDF without a text layer (all made here),
//! is read by OCR and scored against the same gold as the text; a page
//! mixing with born-digital pages is read per page; without the OCR
//! programs, or with `--ocr never`, a scan is `pdf-no-text` saying why.
//! Needs poppler's pdftoppm and Tesseract with Danish data (`.ci/run`
//! installs them; elsewhere the tests print `SKIPPED:` and pass).

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_referat");

/// Whether pdftoppm and tesseract (with Danish) run here; under `.ci/run`
/// their absence fails the test.
fn have_ocr(test: &str) -> bool {
    let ppm = Command::new("pdftoppm").arg("-v").output().is_ok();
    let dan = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "dan")
        });
    if ppm && dan {
        return true;
    }
    assert!(
        !common::in_ci(),
        "{test}: pdftoppm or tesseract with Danish is missing; .ci/run installs \
         poppler-utils, tesseract-ocr and tesseract-ocr-dan"
    );
    common::skipped(
        test,
        "pdftoppm (poppler-utils) or tesseract with Danish data (tesseract-ocr-dan) is not installed",
    );
    false
}

/// The pages of `pdf` as grey images at `dpi`: (width, height, pixels).
fn render(pdf: &[u8], dpi: u32) -> Vec<(u32, u32, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray"])
        .arg(&input)
        .arg(dir.path().join("page"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| pgm(&std::fs::read(f).unwrap()))
        .collect()
}

/// A binary PGM (P5, 8 bits): width, height, pixels.
fn pgm(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), (w * h) as usize);
    (w, h, pixels)
}

/// A PDF of pages that are images only (no text layer), each page the size
/// of its image at `dpi`.
fn image_pdf(images: &[(u32, u32, Vec<u8>)], dpi: u32) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    use std::io::Write;
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for (w, h, pixels) in images {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(pixels).unwrap();
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => *w as i64,
                "Height" => *h as i64,
                "ColorSpace" => "DeviceGray",
                "BitsPerComponent" => 8,
                "Filter" => "FlateDecode",
            },
            z.finish().unwrap(),
        ));
        let (pw, ph) = (
            f64::from(*w) * 72.0 / f64::from(dpi),
            f64::from(*h) * 72.0 / f64::from(dpi),
        );
        let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw as f32), Object::Real(ph as f32)],
            "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Ingest `dir` with `args` and return the records.
fn ingest(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Vec<Value> {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["ingest", "-q", "--out"])
        .arg(out.path())
        .arg(dir)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = cmd.output().unwrap();
    assert!(run.status.success(), "{run:?}");
    std::fs::read_to_string(out.path().join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const SEED: &str = "004_bad1072dfa3f0813";

/// A text as a printer would lay it out on paper: prose wrapped to the
/// page's width (a text PDF may run past the edge; a print may not), and
/// tab-separated table rows set in columns (runs of spaces, which
/// `common::render_pdf` places at their column).
fn printable(text: &str) -> String {
    const WIDTH: usize = 90;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].contains('\t') {
            let end = (i..lines.len())
                .find(|&k| !lines[k].contains('\t'))
                .unwrap_or(lines.len());
            let rows: Vec<Vec<&str>> = lines[i..end]
                .iter()
                .map(|l| l.split('\t').collect())
                .collect();
            let mut widths: Vec<usize> = Vec::new();
            for row in &rows {
                for (c, cell) in row.iter().enumerate() {
                    let n = cell.chars().count();
                    if widths.len() <= c {
                        widths.push(n);
                    } else {
                        widths[c] = widths[c].max(n);
                    }
                }
            }
            for row in rows {
                let mut line = String::new();
                for (c, cell) in row.iter().enumerate() {
                    line.push_str(cell);
                    let pad = widths[c] + 4 - cell.chars().count();
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                out.push(line.trim_end().to_string());
            }
            i = end;
            continue;
        }
        let mut line = String::new();
        for word in lines[i].split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push(std::mem::take(&mut line));
            } else if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
        i += 1;
    }
    out.join("\n")
}

#[test]
fn a_scanned_seed_scores_as_its_text() {
    let test = "ocr::a_scanned_seed_scores_as_its_text";
    if !have_ocr(test) || !common::have_python3(test) {
        return;
    }
    let text = std::fs::read_to_string(format!("fixtures/{SEED}.txt")).unwrap();
    let scan = image_pdf(&render(&common::render_pdf(&printable(&text)), 200), 200);
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join(format!("{SEED}.pdf")), &scan).unwrap();
    if let Some(keep) = std::env::var_os("REFERAT_KEEP_SCAN") {
        // To look at: the scan made here.
        std::fs::write(Path::new(&keep).join(format!("{SEED}.scan.pdf")), &scan).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(BIN)
        .args(["ingest", "-q", "--out"])
        .arg(out.path())
        .arg(input.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let records = out.path().join("records.jsonl");
    let record: Value =
        serde_json::from_str(std::fs::read_to_string(&records).unwrap().trim()).unwrap();
    assert_eq!(record["status"], "ok", "{}", record["errors"]);
    let ocr = record["source"]["ocr"]
        .as_array()
        .expect("pages read by OCR");
    assert_eq!(
        ocr.len() as u64,
        record["source"]["pages"].as_u64().unwrap()
    );
    for page in ocr {
        assert!(page["confidence"].as_f64().unwrap() > 80.0, "{page}");
        assert!(page["words"].as_u64().unwrap() > 20, "{page}");
    }
    // The same gold as the text seed and its PDF.
    let scores = common::score(&records, "tests/gold", "pdf");
    assert_eq!(scores.documents, 1);
    assert!(scores.overall >= 0.90, "overall F1 {}", scores.overall);
    let cells = scores
        .categories
        .iter()
        .find(|c| c.name == "table.cells")
        .expect("the seed has a table");
    assert!(cells.f1 >= 0.90, "table cells F1 {}", cells.f1);
}

/// The invented Teknisk Udvalg minutes (two printed pages): page 1 keeps
/// its text layer, page 2 becomes a 200 dpi image.
fn mixed_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    use std::io::Write;
    let text = std::fs::read_to_string("fixtures/formats/teknisk-udvalg-2025-10-01.txt").unwrap();
    let digital = common::render_pdf(&printable(&text));
    let images = render(&digital, 200);
    assert!(images.len() >= 2, "two pages at least");
    let mut doc = Document::load_mem(&digital).unwrap();
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for (page, (w, h, pixels)) in pages.iter().zip(&images).skip(1) {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(pixels).unwrap();
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => *w as i64, "Height" => *h as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode",
            },
            z.finish().unwrap(),
        ));
        let (pw, ph) = (f64::from(*w) * 72.0 / 200.0, f64::from(*h) * 72.0 / 200.0);
        let content = doc.add_object(Stream::new(
            dictionary! {},
            format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q").into_bytes(),
        ));
        let dict = doc.get_dictionary_mut(*page).unwrap();
        dict.set("Contents", content);
        dict.set(
            "Resources",
            dictionary! { "XObject" => dictionary! { "Im0" => image } },
        );
        dict.set(
            "MediaBox",
            vec![
                0.into(),
                0.into(),
                Object::Real(pw as f32),
                Object::Real(ph as f32),
            ],
        );
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_mixed_document_is_read_page_by_page() {
    if !have_ocr("ocr::a_mixed_document_is_read_page_by_page") {
        return;
    }
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("tu.pdf"), mixed_pdf()).unwrap();
    let records = ingest(input.path(), &[], &[]);
    let r = &records[0];
    assert_eq!(r["status"], "ok", "{}", r["warnings"]);
    let ocr: Vec<u64> = r["source"]["ocr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["page"].as_u64().unwrap())
        .collect();
    let pages = r["source"]["pages"].as_u64().unwrap();
    assert_eq!(
        ocr,
        (2..=pages).collect::<Vec<_>>(),
        "only the scanned pages"
    );
    // All six items, from both kinds of page, with their case numbers and
    // decisions; the last item is on a scanned page.
    let items = r["items"].as_array().unwrap();
    let numbers: Vec<u64> = items
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    let last = &items[5];
    assert_eq!(last["location"]["page"], 2);
    assert_eq!(last["case_number"], "25/10977");
    assert_eq!(last["decisions"][0]["outcome"], "postponed");
    assert_eq!(items[0]["location"]["page"], 1);
}

/// A one-page scan of the minutes' first page.
fn one_page_scan() -> Vec<u8> {
    let text = std::fs::read_to_string("fixtures/formats/teknisk-udvalg-2025-10-01.txt").unwrap();
    let images = render(&common::render_pdf(&printable(&text)), 200);
    image_pdf(&images[..1], 200)
}

#[test]
fn without_ocr_a_scan_is_pdf_no_text_saying_why() {
    if !have_ocr("ocr::without_ocr_a_scan_is_pdf_no_text_saying_why") {
        return;
    }
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("scan.pdf"), one_page_scan()).unwrap();
    // --ocr never.
    let r = &ingest(input.path(), &["--ocr", "never"], &[])[0];
    assert_eq!(r["status"], "failed");
    assert_eq!(r["errors"][0]["code"], "pdf-no-text");
    let message = r["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("--ocr never"), "{message}");
    // No OCR programs on the PATH: the message names what to install.
    let empty = tempfile::tempdir().unwrap();
    let r = &ingest(
        input.path(),
        &[],
        &[("PATH", empty.path().to_str().unwrap())],
    )[0];
    assert_eq!(r["errors"][0]["code"], "pdf-no-text");
    let message = r["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("poppler-utils") || message.contains("tesseract-ocr"),
        "{message}"
    );
    // With OCR (the default): read, the page named, its confidence high.
    let r = &ingest(input.path(), &[], &[])[0];
    assert_eq!(r["status"], "ok", "{}", r["errors"]);
    assert_eq!(r["source"]["ocr"][0]["page"], 1);
    assert!(r["source"]["ocr"][0]["confidence"].as_f64().unwrap() > 80.0);
    assert_eq!(r["items"][0]["case_number"], "25/11872");
}
