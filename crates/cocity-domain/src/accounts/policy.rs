//! Who may manage roles: the municipality's admins, and installation admins anywhere.

use crate::access::{Principal, Refusal, Role, signed_in};
use crate::ids::MunicipalityId;

/// Granting or revoking roles in `municipality`.
pub fn can_manage_roles(
    who: Option<&Principal>,
    municipality: MunicipalityId,
) -> Result<(), Refusal> {
    let p = signed_in(who)?;
    if p.is_installation_admin || p.has_role(municipality, Role::Admin) {
        Ok(())
    } else {
        Err(p.missing_role(municipality))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::fixtures::*;

    #[test]
    fn only_admins_manage_roles() {
        assert_eq!(can_manage_roles(None, TURIN), Err(Refusal::NotSignedIn));
        assert_eq!(
            can_manage_roles(Some(&with_role(TURIN, Role::Officer, None)), TURIN),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            can_manage_roles(Some(&with_role(BOLOGNA, Role::Admin, None)), TURIN),
            Err(Refusal::OtherMunicipality)
        );
        assert!(can_manage_roles(Some(&with_role(TURIN, Role::Admin, None)), TURIN).is_ok());
        let mut installation = nobody();
        installation.is_installation_admin = true;
        assert!(can_manage_roles(Some(&installation), TURIN).is_ok());
    }
}
