//! WeChat Pay API v3's cryptography, both sides of it: the merchant's request signature
//! (`WECHATPAY2-SHA256-RSA2048`), the platform's answer and notification signatures
//! (`Wechatpay-Signature`), the mini program's `paySign`, and the AES-256-GCM resource of a
//! notification. RSA PKCS#1 v1.5 with SHA-256 throughout; pure Rust (RustCrypto), no OpenSSL.

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs1v15::{Signature, SigningKey, VerifyingKey},
    pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding},
    signature::{SignatureEncoding, Signer, Verifier},
};
use sha2::Sha256;

#[derive(Debug, thiserror::Error)]
pub enum PayCryptoError {
    #[error("not an RSA key in PKCS#8 PEM: {0}")]
    BadKey(String),
    #[error("the APIv3 key must be 32 bytes")]
    BadApiV3Key,
    #[error("signature is not valid base64 or not an RSA signature")]
    MalformedSignature,
    #[error("signature does not match")]
    BadSignature,
    #[error("the resource does not decrypt with the APIv3 key")]
    Undecryptable,
}

/// A merchant's or the platform's RSA key pair, with the serial (or 微信支付公钥ID) naming it.
#[derive(Clone)]
pub struct SigningIdentity {
    pub serial: String,
    key: SigningKey<Sha256>,
    public: RsaPublicKey,
}

impl SigningIdentity {
    pub fn from_pem(serial: &str, private_pem: &str) -> Result<Self, PayCryptoError> {
        let private = RsaPrivateKey::from_pkcs8_pem(private_pem)
            .map_err(|e| PayCryptoError::BadKey(e.to_string()))?;
        Ok(Self::from_key(serial, private))
    }

    fn from_key(serial: &str, private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        Self {
            serial: serial.to_string(),
            key: SigningKey::new(private),
            public,
        }
    }

    /// A new 2048-bit key pair, as the fake WeChat Pay and demo mode make at start.
    pub fn generate(serial: &str) -> Self {
        let mut rng = rsa::rand_core::OsRng;
        let private = RsaPrivateKey::new(&mut rng, 2048).expect("2048-bit RSA key generation");
        Self::from_key(serial, private)
    }

    /// Base64 of RSA-SHA256 over `message`.
    pub fn sign(&self, message: &str) -> String {
        B64.encode(self.key.sign(message.as_bytes()).to_bytes())
    }

    pub fn verifier(&self) -> PublicKey {
        PublicKey {
            serial: self.serial.clone(),
            key: VerifyingKey::new(self.public.clone()),
        }
    }

    pub fn private_pem(&self) -> String {
        let private: &RsaPrivateKey = self.key.as_ref();
        private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("an RSA key encodes")
            .to_string()
    }

    pub fn public_pem(&self) -> String {
        self.public
            .to_public_key_pem(LineEnding::LF)
            .expect("an RSA key encodes")
    }
}

/// A public key that checks signatures: the platform's (微信支付公钥) on the service's side, the
/// merchant's on the fake's.
#[derive(Clone)]
pub struct PublicKey {
    pub serial: String,
    key: VerifyingKey<Sha256>,
}

impl PublicKey {
    pub fn from_pem(serial: &str, public_pem: &str) -> Result<Self, PayCryptoError> {
        let key = RsaPublicKey::from_public_key_pem(public_pem)
            .map_err(|e| PayCryptoError::BadKey(e.to_string()))?;
        Ok(Self {
            serial: serial.to_string(),
            key: VerifyingKey::new(key),
        })
    }

    pub fn verify(&self, message: &[u8], signature_b64: &str) -> Result<(), PayCryptoError> {
        let bytes = B64
            .decode(signature_b64.trim())
            .map_err(|_| PayCryptoError::MalformedSignature)?;
        let signature = Signature::try_from(bytes.as_slice())
            .map_err(|_| PayCryptoError::MalformedSignature)?;
        self.key
            .verify(message, &signature)
            .map_err(|_| PayCryptoError::BadSignature)
    }
}

/// What a request signature covers: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`.
pub fn request_message(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n")
}

/// What an answer's or a notification's `Wechatpay-Signature` covers: `TIMESTAMP\nNONCE\nBODY\n`,
/// over the body's raw bytes.
pub fn response_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + 64);
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(nonce.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(body);
    message.push(b'\n');
    message
}

/// What `wx.requestPayment`'s `paySign` covers: `appId\ntimeStamp\nnonceStr\npackage\n`.
pub fn pay_sign_message(app_id: &str, timestamp: &str, nonce: &str, package: &str) -> String {
    format!("{app_id}\n{timestamp}\n{nonce}\n{package}\n")
}

/// The `Authorization` header of a signed request.
pub fn authorization(
    mchid: &str,
    identity: &SigningIdentity,
    method: &str,
    path_and_query: &str,
    body: &str,
    timestamp: i64,
    nonce: &str,
) -> String {
    let signature = identity.sign(&request_message(
        method,
        path_and_query,
        timestamp,
        nonce,
        body,
    ));
    format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{mchid}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
        identity.serial
    )
}

/// The parts of an `Authorization` header, as WeChat Pay (here: the fake) reads them.
#[derive(Debug, Default, PartialEq)]
pub struct AuthorizationParts {
    pub mchid: String,
    pub nonce: String,
    pub signature: String,
    pub timestamp: String,
    pub serial: String,
}

pub fn parse_authorization(header: &str) -> Option<AuthorizationParts> {
    let rest = header.strip_prefix("WECHATPAY2-SHA256-RSA2048 ")?;
    let mut parts = AuthorizationParts::default();
    for pair in rest.split(',') {
        let (name, value) = pair.trim().split_once('=')?;
        let value = value.trim_matches('"').to_string();
        match name {
            "mchid" => parts.mchid = value,
            "nonce_str" => parts.nonce = value,
            "signature" => parts.signature = value,
            "timestamp" => parts.timestamp = value,
            "serial_no" => parts.serial = value,
            _ => {}
        }
    }
    Some(parts)
}

/// The 32-byte APIv3 key (APIv3密钥) that encrypts notification resources.
#[derive(Clone)]
pub struct ApiV3Key([u8; 32]);

impl ApiV3Key {
    pub fn new(text: &str) -> Result<Self, PayCryptoError> {
        let bytes: [u8; 32] = text
            .as_bytes()
            .try_into()
            .map_err(|_| PayCryptoError::BadApiV3Key)?;
        Ok(Self(bytes))
    }

    pub fn decrypt(
        &self,
        nonce: &str,
        associated_data: &str,
        ciphertext_b64: &str,
    ) -> Result<Vec<u8>, PayCryptoError> {
        let cipher = Aes256Gcm::new((&self.0).into());
        let ciphertext = B64
            .decode(ciphertext_b64)
            .map_err(|_| PayCryptoError::Undecryptable)?;
        if nonce.len() != 12 {
            return Err(PayCryptoError::Undecryptable);
        }
        cipher
            .decrypt(
                Nonce::from_slice(nonce.as_bytes()),
                Payload {
                    msg: &ciphertext,
                    aad: associated_data.as_bytes(),
                },
            )
            .map_err(|_| PayCryptoError::Undecryptable)
    }

    pub fn encrypt(&self, nonce: &str, associated_data: &str, plaintext: &[u8]) -> String {
        let cipher = Aes256Gcm::new((&self.0).into());
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(nonce.as_bytes()),
                Payload {
                    msg: plaintext,
                    aad: associated_data.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any length we send");
        B64.encode(sealed)
    }
}

/// A nonce of `len` letters and digits.
pub fn nonce(len: usize) -> String {
    use rand::{Rng, distr::Alphanumeric};
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static MERCHANT: LazyLock<SigningIdentity> =
        LazyLock::new(|| SigningIdentity::generate("MERCHANT-SERIAL"));

    #[test]
    fn a_signature_verifies_with_the_public_key_and_fails_on_any_change() {
        let body = br#"{"id":"n1"}"#;
        let message = response_message("1700000000", "abc", body);
        let signature = MERCHANT.sign(std::str::from_utf8(&message).unwrap());
        let public = PublicKey::from_pem("MERCHANT-SERIAL", &MERCHANT.public_pem()).unwrap();
        public.verify(&message, &signature).unwrap();
        let changed = response_message("1700000001", "abc", body);
        assert!(matches!(
            public.verify(&changed, &signature),
            Err(PayCryptoError::BadSignature)
        ));
        assert!(matches!(
            public.verify(&message, "not base64!"),
            Err(PayCryptoError::MalformedSignature)
        ));
    }

    #[test]
    fn a_private_key_survives_pem() {
        let again = SigningIdentity::from_pem("S", &MERCHANT.private_pem()).unwrap();
        assert_eq!(again.sign("x"), MERCHANT.sign("x"));
    }

    #[test]
    fn the_authorization_header_parses_back_and_its_signature_checks() {
        let header = authorization(
            "1900000001",
            &MERCHANT,
            "POST",
            "/v3/x?a=1",
            "{}",
            1700000000,
            "NONCE",
        );
        let parts = parse_authorization(&header).unwrap();
        assert_eq!(parts.mchid, "1900000001");
        assert_eq!(parts.serial, "MERCHANT-SERIAL");
        let message = request_message("POST", "/v3/x?a=1", 1700000000, "NONCE", "{}");
        MERCHANT
            .verifier()
            .verify(message.as_bytes(), &parts.signature)
            .unwrap();
    }

    #[test]
    fn a_resource_decrypts_only_with_its_key_nonce_and_associated_data() {
        let key = ApiV3Key::new("0123456789abcdef0123456789abcdef").unwrap();
        let sealed = key.encrypt("0123456789ab", "transaction", b"{\"a\":1}");
        assert_eq!(
            key.decrypt("0123456789ab", "transaction", &sealed).unwrap(),
            b"{\"a\":1}"
        );
        assert!(key.decrypt("0123456789ab", "refund", &sealed).is_err());
        let other = ApiV3Key::new("fedcba9876543210fedcba9876543210").unwrap();
        assert!(
            other
                .decrypt("0123456789ab", "transaction", &sealed)
                .is_err()
        );
        assert!(ApiV3Key::new("short").is_err());
    }
}
