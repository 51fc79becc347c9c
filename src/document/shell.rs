//! The shell of every document assembly writes (a report, a pack's front sheet, a decision
//! record, a Forward Plan): its metadata, house style and furniture, decided here once. Whether a
//! document is not for publication decides both of its marks together: the running header in the
//! template's words (`exempt_header`) and the keyword in its metadata. Assembles no blocks.

use serde_json::json;
use time::Date;

use crate::template::Template;
use crate::tree::{metadata_text, Block, Document, Furniture, Meta};

/// Choices made outside the paper: the date stamped into metadata.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Overrides the metadata date (from `SOURCE_DATE_EPOCH`); default: the meeting date.
    pub metadata_date: Option<Date>,
}

/// What a document says about itself.
pub(crate) struct Shell<'a> {
    /// Its title (made fit for metadata here).
    pub title: &'a str,
    /// Its author: the council whose paper it is.
    pub author: &'a str,
    /// Its subject (made fit for metadata here).
    pub subject: &'a str,
    /// Its date, unless [`Options::metadata_date`] overrides it.
    pub date: Date,
    /// It holds exempt material: NOT FOR PUBLICATION in its header and its keywords.
    pub not_for_publication: bool,
    /// The template its paper names, for the writers (`None`: the default).
    pub template: Option<String>,
}

impl Shell<'_> {
    /// The document of `blocks` in this shell, in `t`'s house style.
    pub(crate) fn document(self, t: &Template, opts: &Options, blocks: Vec<Block>) -> Document {
        Document {
            template: self.template,
            meta: Meta {
                title: metadata_text(self.title),
                author: self.author.to_owned(),
                subject: metadata_text(self.subject),
                lang: t.settings.language.clone(),
                date: opts.metadata_date.unwrap_or(self.date),
                keywords: Meta::keywords_for(self.not_for_publication),
            },
            style: {
                let mut style = t.settings.style.clone();
                if let Some(logo) = style.logo.as_mut().filter(|l| l.alt.trim().is_empty()) {
                    // A template naming no council: the logo is the paper's council's.
                    logo.alt = metadata_text(self.author);
                }
                style
            },
            furniture: Furniture {
                header: self.not_for_publication.then(|| t.words("exempt_header", &json!({}))),
                footer: t.words("footer", &json!({})),
            },
            blocks,
        }
    }
}
