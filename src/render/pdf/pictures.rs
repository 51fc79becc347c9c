//! The pictures' bytes for the typesetter: each distinct image of a document (by digest) is served
//! once, the `N`th at the virtual file [`world::picture_path`]`(N)`, and each picture of the view
//! carries the path of its image, assigned as the view is built. The template places the file; no
//! file system is involved.

use super::world;
use crate::tree::Picture;

/// The images served to the typesetter, in the order their pictures were met.
#[derive(Default)]
pub(super) struct Served<'a> {
    /// The digest of each image served.
    digests: Vec<&'a str>,
    /// The bytes of each image served.
    images: Vec<Vec<u8>>,
}

impl<'a> Served<'a> {
    /// The virtual path of `picture`'s image, served from now on if it was not yet.
    pub(super) fn path(&mut self, picture: &'a Picture) -> String {
        let digest = picture.image.digest.as_str();
        let i = match self.digests.iter().position(|d| *d == digest) {
            Some(i) => i,
            None => {
                self.digests.push(digest);
                self.images.push(picture.image.data.to_vec());
                self.digests.len() - 1
            }
        };
        world::picture_path(i)
    }

    /// The virtual path of the logo's image, served as one more file.
    pub(super) fn logo(&mut self, data: &[u8]) -> String {
        // No picture's digest is empty: the logo never shares a picture's file.
        self.digests.push("");
        self.images.push(data.to_vec());
        world::picture_path(self.images.len() - 1)
    }

    /// The images, the `N`th to be served at [`world::picture_path`]`(N)`.
    pub(super) fn into_images(self) -> Vec<Vec<u8>> {
        self.images
    }
}
