//! The pictures' bytes for the typesetter: each picture block of the tree's JSON gets `path`, the
//! virtual file its image is served at (`/picture-N`, one per distinct image of the document),
//! and the world serves those bytes. The template places the file; no file system is involved.

use serde_json::Value;

use super::world;
use crate::tree::{each_block, Block, Document, Picture};

/// The key of a picture block that holds its virtual path.
const PATH_KEY: &str = "path";

/// Adds `path` to every picture block in `tree` (the JSON of `doc`) and returns the images to
/// serve, the `N`th at [`world::picture_path`]`(N)`.
pub(super) fn annotate_pictures(doc: &Document, tree: &mut Value) -> Vec<Vec<u8>> {
    let mut pictures: Vec<&Picture> = Vec::new();
    each_block(&doc.blocks, &mut |b| {
        if let Block::Picture(p) = b {
            pictures.push(p);
        }
    });
    let mut digests: Vec<&str> = Vec::new();
    let mut served = Vec::new();
    for p in pictures {
        if !digests.contains(&p.image.digest.as_str()) {
            digests.push(&p.image.digest);
            served.push(p.image.data.to_vec());
        }
    }
    if !served.is_empty() {
        attach(tree, &digests);
    }
    served
}

fn attach(value: &mut Value, digests: &[&str]) {
    match value {
        Value::Object(obj) => {
            if obj.get("type").and_then(Value::as_str) == Some("picture") {
                let digest = obj.get("image").and_then(|i| i.get("digest")).and_then(Value::as_str);
                if let Some(i) = digest.and_then(|d| digests.iter().position(|x| *x == d)) {
                    obj.insert(PATH_KEY.into(), Value::String(world::picture_path(i)));
                }
                return;
            }
            obj.values_mut().for_each(|v| attach(v, digests));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| attach(v, digests)),
        _ => {}
    }
}
