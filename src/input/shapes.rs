//! Fields that accept more than one YAML shape ("text, or a mapping with more detail"), with
//! error messages that name both shapes instead of serde's "did not match any variant".

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::diag::Problem;

// Kept as text so that a file with a bad date still reads and every other problem in it is
// reported too; `IsoDate::date` is the one check that it is a real date, with the one message
// and help every input shares. (The doc comment below is the schema's description for authors.)
/// An ISO date as typed (`2024-01-18`); checked to be a real date during validation.
#[derive(Debug, Clone, serde::Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(transparent)]
#[schemars(extend("format" = "date"))]
pub struct IsoDate(#[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))] pub String);

impl IsoDate {
    /// The help under a date that is not one.
    pub const HELP: &'static str = "write dates as YYYY-MM-DD, e.g. 2024-01-18";

    /// A real calendar date written `YYYY-MM-DD` (surrounding spaces allowed); `None` for
    /// anything else (`2024-02-30`, `18/01/2024`, `2024-1-8`).
    pub fn parse(text: &str) -> Option<time::Date> {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text.trim(), &fmt).ok()
    }

    /// The date, or the problem at the field `path` where it was typed.
    pub fn date(&self, path: &str) -> Result<time::Date, Problem> {
        IsoDate::parse(&self.0).ok_or_else(|| {
            let typed = self.0.trim();
            let help = match uk_order(typed) {
                Some(iso) => format!("{}; `{typed}` in that order is `{iso}`", IsoDate::HELP),
                None => IsoDate::HELP.to_owned(),
            };
            Problem::error(path, format!("`{}` is not a real date", self.0)).help(help)
        })
    }
}

/// `18/01/2024` (day, month, year, as written in the UK) rewritten as `2024-01-18`, when it is
/// a real date in that order.
fn uk_order(typed: &str) -> Option<String> {
    let parts: Vec<&str> = typed.split(['/', '.', '-']).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    if year.len() != 4 || day.len() > 2 || month.len() > 2 {
        return None;
    }
    let iso = format!("{year}-{month:0>2}-{day:0>2}");
    IsoDate::parse(&iso).map(|_| iso)
}

/// Text, or a mapping `T` that carries the text and more.
#[derive(Debug, Clone, PartialEq)]
pub enum TextOr<T> {
    /// The short form: text.
    Text(String),
    /// The long form: a mapping.
    Full(T),
}

/// Text, or a list of `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum TextOrSeq<T> {
    /// The short form: text.
    Text(String),
    /// A list.
    Seq(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TextOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = TextOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text or a mapping")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TextOr::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TextOr::Text(v))
            }
            // Numbers typed where text is expected are kept as text ("2024" as a title).
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TextOr::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TextOr::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TextOr::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Err(de::Error::invalid_type(de::Unexpected::Bool(v), &self))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(TextOr::Full)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TextOrSeq<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = TextOrSeq<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text or a list")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TextOrSeq::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TextOrSeq::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::invalid_type(de::Unexpected::Map, &self))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(TextOrSeq::Seq)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for TextOr<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("TextOr{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let full = generator.subschema_for::<T>();
        json_schema!({ "anyOf": [ { "type": "string" }, full ] })
    }
}

impl<T: JsonSchema> JsonSchema for TextOrSeq<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("TextOrListOf{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = generator.subschema_for::<T>();
        json_schema!({ "anyOf": [ { "type": "string" }, { "type": "array", "items": item } ] })
    }
}

/// A number in a financial table, as typed (`1.005`, `-250`, `2e3`): kept as its text, so that
/// validation reads it as an exact decimal and never through binary floating point (in which
/// `1.005` is a little less than 1.005, and rounds down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(pub String);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                Ok(Amount(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Amount, E> {
                Ok(Amount(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                // The shortest text that reads back as this float: what was typed, in practice.
                Ok(Amount(v.to_string()))
            }
        }
        // A plain YAML scalar is text until it is resolved: asking for text gets what was typed.
        d.deserialize_str(V)
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number" })
    }
}

/// Reads a field whose key may be given with no value: `Some(None)` for `key:` or `key: ~`,
/// `Some(Some(v))` for a value; with `#[serde(default)]`, `None` when the key is absent. For
/// fields where "written but empty" must not be mistaken for "not written" (`exempt:`).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod date_tests {
    use super::IsoDate;

    #[test]
    fn iso_dates_parse_and_impossible_ones_do_not() {
        assert_eq!(IsoDate::parse(" 2024-01-18 "), Some(time::macros::date!(2024 - 01 - 18)));
        assert_eq!(IsoDate::parse("2024-02-29"), Some(time::macros::date!(2024 - 02 - 29)));
        for bad in ["2024-02-30", "2023-02-29", "2024-13-01", "18/01/2024", "2024-1-8", "", "soon"] {
            assert_eq!(IsoDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_bad_date_is_one_problem_at_its_field_with_the_shared_help() {
        let p = IsoDate("2024-02-30".into()).date("meeting.date").expect_err("not a real date");
        assert_eq!(p.path, "meeting.date");
        assert_eq!(p.message, "`2024-02-30` is not a real date");
        assert_eq!(p.help.as_deref(), Some(IsoDate::HELP));
    }

    #[test]
    fn a_date_in_uk_order_is_shown_in_iso_order() {
        let p = IsoDate("18/01/2024".into()).date("published").expect_err("not ISO");
        assert_eq!(
            p.help.as_deref(),
            Some("write dates as YYYY-MM-DD, e.g. 2024-01-18; `18/01/2024` in that order is `2024-01-18`")
        );
        let p = IsoDate("31/02/2024".into()).date("published").expect_err("not a date in any order");
        assert_eq!(p.help.as_deref(), Some(IsoDate::HELP));
    }
}
