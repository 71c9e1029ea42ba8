//! `Debug` implementations that show which personal fields are present, never their values.

/// Something that is either there or not, printable as `[redacted]` / `None`.
pub(crate) trait Presence {
    /// True when there is a value to hide.
    fn present(&self) -> bool;
}

impl<T> Presence for Option<T> {
    fn present(&self) -> bool {
        self.is_some()
    }
}

impl<T> Presence for Vec<T> {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}

impl Presence for String {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}

/// Prints `Some([redacted])` for a present value and `None` otherwise.
pub(crate) struct Redacted(pub(crate) bool);

impl Redacted {
    pub(crate) fn of(value: &impl Presence) -> Self {
        Redacted(value.present())
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0 { "Some([redacted])" } else { "None" })
    }
}

/// Implements `Debug` for a struct, printing `shown` fields normally and `redacted` fields as
/// `Some([redacted])` / `None`.
macro_rules! debug_redacted {
    ($ty:ident { shown: [$($shown:ident),* $(,)?], redacted: [$($secret:ident),* $(,)?] $(,)? }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut s = f.debug_struct(stringify!($ty));
                $( s.field(stringify!($shown), &self.$shown); )*
                $( s.field(stringify!($secret), &$crate::wire::redact::Redacted::of(&self.$secret)); )*
                s.finish()
            }
        }
    };
}

pub(crate) use debug_redacted;
