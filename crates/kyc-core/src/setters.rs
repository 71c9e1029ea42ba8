//! The chained `with_*` setters of the `#[non_exhaustive]` data types.
//!
//! `#[non_exhaustive]` keeps callers from writing struct literals (and `..Default::default()`)
//! outside this crate, so that adding a field is not a breaking change. Callers build values
//! with a constructor (or `Default`) and these setters instead; the fields stay public, so
//! assigning one on a constructed value works too.

/// Generates `with_*` setters on a type, in this order: `some with_x => x: T` sets an
/// `Option<T>` field to `Some(value.into())`, `set with_y => y: U` sets a field to
/// `value.into()`, `exact with_z => z: V` sets a field to a `V` (for collections, whose
/// `collect()` needs the exact type, and plain values such as `bool`).
macro_rules! setters {
    ($ty:ty {
        $(some $some_name:ident => $some_field:ident: $some_ty:ty,)*
        $(set $set_name:ident => $set_field:ident: $set_ty:ty,)*
        $(exact $exact_name:ident => $exact_field:ident: $exact_ty:ty,)*
    }) => {
        impl $ty {
            $(
                #[doc = concat!("Sets `", stringify!($some_field), "` to `Some(value)`.")]
                #[must_use]
                pub fn $some_name(mut self, value: impl Into<$some_ty>) -> Self {
                    self.$some_field = Some(value.into());
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", stringify!($set_field), "`.")]
                #[must_use]
                pub fn $set_name(mut self, value: impl Into<$set_ty>) -> Self {
                    self.$set_field = value.into();
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", stringify!($exact_field), "`.")]
                #[must_use]
                pub fn $exact_name(mut self, value: $exact_ty) -> Self {
                    self.$exact_field = value;
                    self
                }
            )*
        }
    };
}

pub(crate) use setters;
