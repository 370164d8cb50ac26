//! The one error type of the sim's public API (start-up failures: bind, TLS, runtime).

/// Why the sim could not start.
#[derive(Debug)]
pub enum SimError {
    /// Binding or configuring the listener failed.
    Io(std::io::Error),
    /// Certificate generation or TLS configuration failed.
    Tls(String),
    /// Invalid configuration (e.g. a malformed API version).
    Config(String),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "org-sim I/O error: {e}"),
            Self::Tls(e) => write!(f, "org-sim TLS error: {e}"),
            Self::Config(e) => write!(f, "org-sim configuration error: {e}"),
        }
    }
}

impl std::error::Error for SimError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for SimError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}
