//! ID-card numbers at rest: sealed with AES-256-GCM, found by a keyed hash.
//!
//! Both keys are derived from the one configured data key (`ZHUCAN_DATA_KEY`) with HMAC-SHA256
//! over a fixed label, so the encryption key and the look-up key are independent: knowing hashes
//! tells nothing about ciphertexts and the other way round. Every sealed value has its own random
//! 96-bit nonce, so the same number sealed twice gives two different texts; the look-up hash is
//! what is unique and searchable.

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::id_card::IdCardNumber;
use crate::config::DataKey;

/// Sealed values start with the scheme, so a later key or algorithm can sit beside this one.
const SCHEME: &str = "v1:";
const NONCE_LEN: usize = 12;
/// Binds a ciphertext to its purpose: a sealed ID number cannot be passed off as another field.
const ASSOCIATED_DATA: &[u8] = b"zhucan elder.id_card v1";

pub struct IdCardVault {
    cipher: Aes256Gcm,
    lookup_key: [u8; 32],
}

/// A sealed value that cannot be opened: wrong key, tampered with, or not ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a sealed ID-card number could not be opened (wrong data key or damaged value)")]
pub struct VaultError;

impl IdCardVault {
    pub fn new(data_key: &DataKey) -> Self {
        let seal_key = derive(data_key, b"zhucan/id-card/seal/v1");
        let lookup_key = derive(data_key, b"zhucan/id-card/lookup/v1");
        Self {
            cipher: Aes256Gcm::new(&seal_key.into()),
            lookup_key,
        }
    }

    /// `v1:` + hex(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, id: &IdCardNumber) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: id.as_str().as_bytes(),
            aad: ASSOCIATED_DATA,
        };
        // Encryption fails only for messages of gigabytes; 18 bytes always fit.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{SCHEME}{}", hex::encode(bytes))
    }

    /// The number back from a sealed value (for the rare export that needs it; never for display).
    pub fn open(&self, sealed: &str) -> Result<IdCardNumber, VaultError> {
        let bytes = sealed
            .strip_prefix(SCHEME)
            .and_then(|text| hex::decode(text).ok())
            .filter(|bytes| bytes.len() > NONCE_LEN)
            .ok_or(VaultError)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: ASSOCIATED_DATA,
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| VaultError)?;
        let text = String::from_utf8(plain).map_err(|_| VaultError)?;
        IdCardNumber::parse_stored(&text).map_err(|_| VaultError)
    }

    /// The unique, searchable stand-in for the number.
    pub fn lookup_hash(&self, id: &IdCardNumber) -> String {
        id.lookup_hash(&self.lookup_key)
    }
}

impl std::fmt::Debug for IdCardVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdCardVault(***)")
    }
}

fn derive(data_key: &DataKey, label: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(data_key.expose())
        .expect("HMAC accepts keys of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey::from_hex(&hex::encode([byte; 32])).expect("64 hex characters")
    }

    fn id() -> IdCardNumber {
        IdCardNumber::parse_stored("11010519491231002X").expect("valid")
    }

    #[test]
    fn sealing_round_trips_and_hides_the_number() {
        let vault = IdCardVault::new(&key(1));
        let sealed = vault.seal(&id());
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("11010519491231002X"));
        assert!(!sealed.contains(&hex::encode("11010519491231002X")));
        assert_eq!(vault.open(&sealed), Ok(id()));
    }

    #[test]
    fn every_seal_has_its_own_nonce() {
        let vault = IdCardVault::new(&key(1));
        assert_ne!(vault.seal(&id()), vault.seal(&id()));
    }

    #[test]
    fn a_wrong_key_or_a_changed_byte_cannot_open() {
        let sealed = IdCardVault::new(&key(1)).seal(&id());
        assert_eq!(IdCardVault::new(&key(2)).open(&sealed), Err(VaultError));

        let vault = IdCardVault::new(&key(1));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        assert_eq!(vault.open(&tampered), Err(VaultError));
        assert_eq!(vault.open("v1:00"), Err(VaultError));
        assert_eq!(vault.open("11010519491231002X"), Err(VaultError));
    }

    #[test]
    fn lookup_hash_is_stable_keyed_and_not_the_seal_key() {
        let vault = IdCardVault::new(&key(1));
        assert_eq!(vault.lookup_hash(&id()), vault.lookup_hash(&id()));
        assert_ne!(
            vault.lookup_hash(&id()),
            IdCardVault::new(&key(2)).lookup_hash(&id())
        );
        // The data key itself is never used directly as the look-up key.
        assert_ne!(vault.lookup_hash(&id()), id().lookup_hash(key(1).expose()));
    }

    #[test]
    fn debug_shows_no_key() {
        let shown = format!("{:?}", IdCardVault::new(&key(7)));
        assert_eq!(shown, "IdCardVault(***)");
    }
}
