//! The permission set's label and API name (salesforce.md §C.1: `Name` "only underscores and
//! alphanumeric characters… must begin with a letter, not include spaces, not end with an
//! underscore, and not contain two consecutive underscores"; max 80; `Label` max 80).

use super::view::DerivedNames;

/// Max length of `PermissionSet.Name` and `Label` (salesforce.md §C.1).
pub const MAX_LENGTH: usize = 80;

/// "Integration – <name>" and the API name derived from it.
pub fn derive(integration_name: &str) -> DerivedNames {
    let trimmed = integration_name.trim();
    let label = truncate_chars(&format!("Integration – {trimmed}"), MAX_LENGTH);
    let name = api_name_from(&format!("Integration {trimmed}"));
    let problems = name_problems(&name);
    DerivedNames {
        label,
        name,
        problems,
    }
}

/// An API name from any text: letters and digits kept (accents folded where simple), everything
/// else one underscore, no leading digit/underscore, no trailing or double underscore, ≤ 80.
pub fn api_name_from(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let folded = fold(c);
        if folded.is_ascii_alphanumeric() {
            out.push(folded);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut name: String = out
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '_')
        .chars()
        .take(MAX_LENGTH)
        .collect();
    while name.ends_with('_') {
        name.pop();
    }
    name
}

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' => 'c',
        'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' | 'ń' => 'n',
        'Ñ' | 'Ń' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ý' | 'ÿ' => 'y',
        'ł' => 'l',
        'Ł' => 'L',
        'ś' | 'š' => 's',
        'Ś' | 'Š' => 'S',
        'ź' | 'ż' | 'ž' => 'z',
        'Ź' | 'Ż' | 'Ž' => 'Z',
        other => other,
    }
}

fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Salesforce's Name rules this name breaks, one sentence each (empty = valid).
pub fn name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push("The API name is required.".to_owned());
        return problems;
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        problems.push(
            "The API name can contain only underscores and alphanumeric characters.".to_owned(),
        );
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        problems.push("The API name must begin with a letter.".to_owned());
    }
    if name.ends_with('_') {
        problems.push("The API name can't end with an underscore.".to_owned());
    }
    if name.contains("__") {
        problems.push("The API name can't contain two consecutive underscores.".to_owned());
    }
    if name.chars().count() > MAX_LENGTH {
        problems.push(format!(
            "The API name can be at most {MAX_LENGTH} characters."
        ));
    }
    problems
}

/// Problems with a label (salesforce.md §C.1: required, max 80).
pub fn label_problems(label: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if label.trim().is_empty() {
        problems.push("The label is required.".to_owned());
    }
    if label.chars().count() > MAX_LENGTH {
        problems.push(format!("The label can be at most {MAX_LENGTH} characters."));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_label_and_a_valid_name() {
        let names = derive("  NetSuite ERP ");
        assert_eq!(names.label, "Integration – NetSuite ERP");
        assert_eq!(names.name, "Integration_NetSuite_ERP");
        assert!(names.problems.is_empty());
        assert_eq!(
            derive("Zoë's  --  Łódź__sync!").name,
            "Integration_Zoe_s_Lodz_sync"
        );
        assert_eq!(api_name_from("42 things"), "things");
        assert_eq!(api_name_from("__a__b__"), "a_b");
        assert_eq!(api_name_from("日本"), "");
    }

    #[test]
    fn long_names_are_cut_to_eighty_without_a_trailing_underscore() {
        let long = "x".repeat(79) + " yz";
        let name = api_name_from(&long);
        assert_eq!(name.len(), 79);
        assert!(name_problems(&name).is_empty());
        assert_eq!(derive(&"y".repeat(100)).label.chars().count(), 80);
    }

    #[test]
    fn each_name_rule_is_reported() {
        assert!(name_problems("Good_Name1").is_empty());
        assert_eq!(name_problems("").len(), 1);
        assert!(name_problems("has space")[0].contains("alphanumeric"));
        assert!(name_problems("1abc")[0].contains("begin with a letter"));
        assert!(name_problems("abc_")[0].contains("end with an underscore"));
        assert!(name_problems("a__b")[0].contains("two consecutive"));
        assert!(name_problems(&"a".repeat(81))[0].contains("80"));
        assert_eq!(name_problems("_a__").len(), 3);
        assert!(label_problems(" ").len() == 1);
        assert!(label_problems("Integration – X").is_empty());
    }
}
