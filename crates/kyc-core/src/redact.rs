//! Helpers for `Debug` implementations that must not print personal data.

use std::fmt;

/// Prints `[redacted]` for a present value and `None` for an absent one, so `Debug` output still
/// shows *which* fields are filled without showing their content.
pub struct Presence(pub bool);

impl fmt::Debug for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "[redacted]" } else { "None" })
    }
}

/// `Presence` of an `Option`.
pub fn presence<T>(value: &Option<T>) -> Presence {
    Presence(value.is_some())
}

/// Something that is either there or not (an `Option`, a list, a text): what
/// [`redacted_debug!`](crate::redacted_debug) prints as [`Presence`] for a redacted field.
pub trait Present {
    /// True when there is a value to hide.
    fn present(&self) -> bool;
}

impl<T> Present for Option<T> {
    fn present(&self) -> bool {
        self.is_some()
    }
}

impl<T> Present for Vec<T> {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}

impl Present for String {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}

/// The one way to write a `Debug` that must not print personal data: `shown` fields are printed
/// with their own `Debug` (ids, codes, or types that redact themselves), `redacted` fields as
/// [`Presence`] (`[redacted]` or `None`), in that order.
///
/// ```
/// struct Person { id: u32, name: Option<String> }
/// kyc_core::redacted_debug!(Person { shown: [id], redacted: [name] });
/// let p = Person { id: 7, name: Some("Erika".into()) };
/// assert_eq!(format!("{p:?}"), "Person { id: 7, name: [redacted] }");
/// ```
#[macro_export]
macro_rules! redacted_debug {
    ($ty:ident { shown: [$($shown:ident),* $(,)?] $(, redacted: [$($secret:ident),* $(,)?])? $(,)? }) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #[allow(unused_imports)]
                use $crate::redact::Present as _;
                let mut s = f.debug_struct(stringify!($ty));
                $( s.field(stringify!($shown), &self.$shown); )*
                $($( s.field(
                    stringify!($secret),
                    &$crate::redact::Presence(self.$secret.present()),
                ); )*)?
                s.finish()
            }
        }
    };
}
