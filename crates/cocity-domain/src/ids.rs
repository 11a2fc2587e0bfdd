//! Row identifiers. Each is its own type so that an actor id can never be passed where a
//! municipality id is expected; all are `i64` in the database.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

id!(
    /// A municipality hosted by the installation.
    MunicipalityId
);
id!(
    /// A user account (installation-wide; roles tie it to municipalities).
    UserId
);
id!(
    /// An actor of one municipality's registry.
    ActorId
);
id!(
    /// A relation between two actors of the same municipality.
    RelationId
);
