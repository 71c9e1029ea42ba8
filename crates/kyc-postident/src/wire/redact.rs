//! `Debug` implementations that show which personal fields are present, never their values, in
//! the house style of [`kyc_core::redact`] (`[redacted]` or `None`).

/// Something that is either there or not (an `Option`, a list, a text).
pub(crate) trait Present {
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

/// Implements `Debug` for a struct, printing `shown` fields normally and `redacted` fields as
/// [`kyc_core::redact::Presence`] (`[redacted]` / `None`).
macro_rules! debug_redacted {
    ($ty:ident { shown: [$($shown:ident),* $(,)?], redacted: [$($secret:ident),* $(,)?] $(,)? }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                use $crate::wire::redact::Present as _;
                let mut s = f.debug_struct(stringify!($ty));
                $( s.field(stringify!($shown), &self.$shown); )*
                $( s.field(stringify!($secret), &kyc_core::redact::Presence(self.$secret.present())); )*
                s.finish()
            }
        }
    };
}

pub(crate) use debug_redacted;
