//! `cabrep serve` and `cabrep watch` learning of saves from file-system notifications: a save by
//! rename (as editors do), a picture the paper names that appears, and `--poll`, which looks at
//! the files instead. Each waits for the new text within a generous bound (never a timing test).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::preview::{edit, example, http, lines, serve, start, wait_line, Reaper};

/// Waits (at most 10 s) for the preview's page to contain `text`.
fn page_shows(url: &str, text: &str) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let page = String::from_utf8_lossy(&http(url, "GET", "/").1).into_owned();
        if page.contains(text) {
            return;
        }
        assert!(Instant::now() < end, "the page did not come to show `{text}`:\n{page:.3000}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Saves `path` as an editor that writes a new file and renames it over the old one does.
fn save_by_rename(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "`{from}` not in {}", path.display());
    let new = path.with_file_name(".powering-our-future.yaml.swp");
    std::fs::write(&new, text.replacen(from, to, 1)).expect("write");
    std::fs::rename(&new, path).expect("rename");
}

#[test]
fn a_save_by_rename_over_the_paper_is_followed_by_the_preview_each_time() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    page_shows(&url, "<title>Powering Our Future – Programme Update</title>");
    // Twice: the file renamed over the watched one is watched in its turn.
    save_by_rename(&paper, "Programme Update", "Renamed Once");
    page_shows(&url, "<title>Powering Our Future – Renamed Once</title>");
    save_by_rename(&paper, "Renamed Once", "Renamed Twice");
    page_shows(&url, "<title>Powering Our Future – Renamed Twice</title>");
}

#[test]
fn a_missing_picture_that_appears_is_rendered_without_another_save_of_the_paper() {
    let dir = tempdir();
    let paper = example(dir.path());
    std::fs::create_dir_all(dir.path().join("images")).expect("mkdir");
    edit(
        &paper,
        "    body: |\n      Powering Our Future sets",
        "    body: |\n      ![A grey line across the page](images/line.png)\n\n      Powering Our Future sets",
    );
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    page_shows(&url, "cannot read the picture `images/line.png`");
    image::GrayImage::from_pixel(600, 10, image::Luma([120]))
        .save(dir.path().join("images/line.png"))
        .expect("line.png");
    page_shows(&url, "alt=\"A grey line across the page\"");
    let page = String::from_utf8_lossy(&http(&url, "GET", "/").1).into_owned();
    assert!(!page.contains("cannot read the picture"), "{page:.3000}");
}

#[test]
fn watch_with_poll_looks_at_the_files_and_still_follows_a_save() {
    let dir = tempdir();
    let paper = example(dir.path());
    let out = dir.path().join("out");
    let mut reaper = Reaper::default();
    let mut child = start(&["watch", s(&paper), "--poll", "-f", "html", "-o", s(&out)]);
    let rx = lines(child.stderr.take().expect("stderr"));
    reaper.children.push(child);
    let t = Duration::from_secs(30);
    wait_line(&rx, t, "first build", |l| l.starts_with("built "));
    edit(&paper, "Programme Update", "Polled");
    wait_line(&rx, t, "rebuild", |l| l.starts_with("built "));
    let html = std::fs::read_to_string(out.join("powering-our-future.html")).expect("html");
    assert!(html.contains("<title>Powering Our Future – Polled</title>"));
}

#[test]
fn the_served_pdf_of_a_save_is_made_after_its_page_and_follows_it() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    edit(&paper, "title: Powering Our Future – Programme Update", "title: Powering Our Future – Made After");
    page_shows(&url, "<title>Powering Our Future – Made After</title>");
    let (status, pdf) = http(&url, "GET", "/report.pdf");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let pdf_path = dir.path().join("served.pdf");
    std::fs::write(&pdf_path, &pdf).expect("write pdf");
    assert!(squash(&pdf_text(&pdf_path)).contains("Made After"));
}

#[test]
fn a_save_of_the_papers_template_folder_is_shown_in_the_preview() {
    let dir = tempdir();
    let paper = dir.path().join("paper.yaml");
    std::fs::copy(root().join("tests/council/paper.yaml"), &paper).expect("copy paper");
    std::fs::create_dir_all(dir.path().join("ours")).expect("mkdir");
    let toml = dir.path().join("ours/template.toml");
    std::fs::copy(root().join("tests/council/ours/template.toml"), &toml).expect("copy template");
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    page_shows(&url, "Executive summary");
    edit(&toml, "summary = \"Executive summary\"", "summary = \"Summary for the executive\"");
    page_shows(&url, "Summary for the executive");
    let page = String::from_utf8_lossy(&http(&url, "GET", "/").1).into_owned();
    assert!(!page.contains("Executive summary"), "{page:.3000}");
}
