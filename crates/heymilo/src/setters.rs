//! `setters!`, the one shape of a builder's plain setters.

/// Builder setters that store their argument: each
/// `pub fn name(arg: Type) => field.path;` becomes
/// `pub fn name(mut self, arg: Type) -> Self`, setting `self.field.path`.
///
/// `xtask/src/public_api.rs` reads these calls too, so the methods stay in
/// `public-api.txt`; a setter that does more than store is written out.
macro_rules! setters {
    ($($(#[$attr:meta])* $vis:vis fn $name:ident($arg:ident: $ty:ty) => $($field:ident).+;)*) => {
        $(
            $(#[$attr])*
            $vis fn $name(mut self, $arg: $ty) -> Self {
                self.$($field).+ = $arg;
                self
            }
        )*
    };
}
