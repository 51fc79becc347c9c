//! The council a template is written for (`council` in `template.toml`): its name, and
//! optionally a short name and web address. Written either as a name
//! (`council = "Example Borough Council"`) or as a table:
//!
//! ```toml
//! [council]
//! name = "Example Borough Council"
//! short_name = "Example"
//! web = "https://www.example.gov.uk"
//! ```
//!
//! A template may name no council: a paper then names its own (`meeting: council:`), and one
//! that names none anywhere is refused by validation, never given a council by default. This room
//! holds the identity only; which council a paper is published under is decided in the model
//! (the paper's own, else its template's).

use serde::{Deserialize, Serialize};

/// The council's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Written")]
pub struct Council {
    /// The council's name, as documents name their author ("Example Borough Council").
    pub name: String,
    /// A shorter name, for wording that wants one ("Example").
    pub short_name: Option<String>,
    /// The council's web address.
    pub web: Option<String>,
    /// What the logo taken from the template's Word file shows, for readers who cannot see it
    /// (its name when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_alt: Option<String>,
}

/// `council` as written: a name, or a table.
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Name(String),
    Table(Table),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    name: String,
    short_name: Option<String>,
    web: Option<String>,
    logo_alt: Option<String>,
}

impl From<Written> for Council {
    fn from(w: Written) -> Council {
        match w {
            Written::Name(name) => Council { name, short_name: None, web: None, logo_alt: None },
            Written::Table(t) => Council { name: t.name, short_name: t.short_name, web: t.web, logo_alt: t.logo_alt },
        }
    }
}

impl Council {
    /// What is wrong with the identity as written (`council.name: must not be empty`).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push("council: the council's name must not be empty".to_owned());
        }
        if self.short_name.as_deref().is_some_and(|s| s.trim().is_empty()) {
            problems.push("council.short_name: must not be empty (leave it out instead)".to_owned());
        }
        if let Some(web) = &self.web {
            if !(web.starts_with("https://") || web.starts_with("http://")) || web.contains(char::is_whitespace) {
                problems.push(format!("council.web is {web:?}; it must be a web address starting https://"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        council: Option<Council>,
    }

    #[test]
    fn a_council_is_a_name_or_a_table_and_may_be_left_out() {
        let t: T = toml::from_str("council = \"Example Borough Council\"").unwrap();
        assert_eq!(t.council.unwrap().name, "Example Borough Council");
        let t: T =
            toml::from_str("[council]\nname = \"Example\"\nshort_name = \"Ex\"\nweb = \"https://example.gov.uk\"")
                .unwrap();
        let c = t.council.unwrap();
        assert_eq!((c.short_name.as_deref(), c.web.as_deref()), (Some("Ex"), Some("https://example.gov.uk")));
        assert!(c.problems().is_empty());
        assert!(toml::from_str::<T>("").unwrap().council.is_none());
        assert!(toml::from_str::<T>("[council]\nname = \"X\"\nmotto = \"y\"").is_err());
    }

    #[test]
    fn an_empty_name_or_a_web_address_that_is_not_one_is_refused() {
        let c = Council { name: " ".into(), short_name: None, web: Some("example.gov.uk".into()), logo_alt: None };
        let p = c.problems();
        assert_eq!(p.len(), 2, "{p:?}");
    }
}
