//! A bound document's alternative text (`alt:`) and accessible version
//! (`accessible_version:`), checked as the meeting file gives them: the text cleaned of
//! control characters, the address an `https://` link a pack may carry. Owns the checks only;
//! printing them is the pack's ([`crate::document::pack`]).

use crate::diag::Problem;
use crate::model::rich_text::MAX_URL_BYTES;
use crate::tree::{link_target, metadata_text, LinkTarget};

/// The longest alternative text kept, in characters.
pub const MAX_ALT_CHARS: usize = 300;

/// What a reader who cannot read a bound document is given instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// A short description of the document.
    pub alt: Option<String>,
    /// The `https://` address of an accessible version.
    pub url: Option<String>,
}

impl Access {
    /// Checks an item's `alt` and `accessible_version` (`path` is the item's, `items[3]`):
    /// a located error for each that cannot be kept.
    pub fn check(path: &str, alt: Option<&str>, url: Option<&str>, problems: &mut Vec<Problem>) -> Access {
        let alt = alt.and_then(|a| {
            let text = metadata_text(a);
            let field = format!("{path}.alt");
            if text.is_empty() {
                problems.push(Problem::error(field, "the alternative text is empty").help("describe the document in a sentence, or remove `alt:`"));
                None
            } else if text.chars().count() > MAX_ALT_CHARS {
                problems.push(
                    Problem::error(field, format!("the alternative text is longer than {MAX_ALT_CHARS} characters"))
                        .help("describe the document in a sentence or two; link a fuller description with `accessible_version:`"),
                );
                None
            } else {
                Some(text)
            }
        });
        let url =
            url.and_then(|u| match https_url(u) {
                Ok(u) => Some(u),
                Err(e) => {
                    problems.push(Problem::error(format!("{path}.accessible_version"), e).help(
                        "write the full https:// address of the accessible copy, e.g. https://www.example.gov.uk/…",
                    ));
                    None
                }
            });
        Access { alt, url }
    }
}

/// `u` as an `https://` address a pack may link, as the links of a paper are checked
/// ([`link_target`]), with a host and no spaces; else why not.
fn https_url(u: &str) -> Result<String, String> {
    let shown: String = u.chars().filter(|c| !c.is_control()).take(80).collect();
    let Some(LinkTarget::Web(url)) = link_target(u) else {
        return Err(format!("`{shown}` is not an https:// address"));
    };
    if url.len() > MAX_URL_BYTES {
        return Err(format!("the address is {} bytes long; the longest kept is {MAX_URL_BYTES}", url.len()));
    }
    let rest = url.get(..8).filter(|s| s.eq_ignore_ascii_case("https://")).map(|_| &url[8..]);
    let Some(rest) = rest else {
        return Err(format!("`{shown}` is not an https:// address"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && host.chars().next().is_some_and(char::is_alphanumeric);
    if !host_ok || url.chars().any(char::is_whitespace) {
        return Err(format!("`{shown}` is not a well-formed https:// address"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_https_addresses_are_kept() {
        assert_eq!(https_url(" https://www.example.gov.uk/plan ").as_deref(), Ok("https://www.example.gov.uk/plan"));
        for bad in [
            "http://example.org",
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "https://ex ample.org",
            "www.x.org",
            "https://@evil",
        ] {
            assert!(https_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn alt_text_is_kept_on_one_line_and_an_empty_or_overlong_one_is_a_located_error() {
        let mut problems = Vec::new();
        let a = Access::check("items[1]", Some(" Site plan,\n edged red\u{202E} "), None, &mut problems);
        assert_eq!(a.alt.as_deref(), Some("Site plan, edged red"));
        assert!(problems.is_empty(), "{problems:?}");
        let long = "a".repeat(MAX_ALT_CHARS + 1);
        for bad in ["  ", long.as_str()] {
            let mut problems = Vec::new();
            assert_eq!(Access::check("items[1]", Some(bad), None, &mut problems), Access::default());
            assert!(problems.len() == 1 && problems[0].path == "items[1].alt", "{problems:?}");
        }
    }
}
