use super::*;

fn categories(text: &str) -> Vec<Category> {
    let mut c: Vec<Category> = Guard::standard().check(text).into_iter().map(|f| f.category).collect();
    c.dedup();
    c
}

#[test]
fn the_shipped_vocabulary_parses() {
    let guard = Guard::from_vocab(&[("fr.txt", FR), ("en.txt", EN)]).unwrap();
    assert!(guard.patterns.len() > 300);
}

#[test]
fn folding_lowercases_strips_accents_and_expands_ligatures() {
    assert_eq!(fold("Élève ÇA Où"), "eleve ca ou");
    assert_eq!(fold("Œuvre cœur"), "oeuvre coeur");
    assert_eq!(fold("Ærø æther"), "aero aether");
    assert_eq!(fold("Straße"), "strasse");
    assert_eq!(fold("l’équipe d‘accord"), "l'equipe d'accord");
    assert_eq!(fold("SYNDIQUÉE"), "syndiquee");
    assert_eq!(fold("e\u{301}te\u{301}"), "ete");
    assert_eq!(fold("ŁÓDŹ ș ț"), "lodz s t");
}

#[test]
fn spans_point_into_the_original_text() {
    let text = "Œuvre d’art — Cœur: elle est ENCEINTE de 3 mois, très heureuse.";
    let findings = Guard::standard().check(text);
    let f = findings.iter().find(|f| f.category == Category::PregnancyFamilyPlans).unwrap();
    assert_eq!(&text[f.start..f.end], "ENCEINTE");
    assert_eq!(f.words, "ENCEINTE");

    let text = "Ça va. Il est syndiqué à la CGT.";
    let f = &Guard::standard().check(text)[0];
    assert_eq!(f.words, "syndiqué à la CGT");
    assert_eq!(&text[f.start..f.end], f.words);

    // A ligature expanded by folding still maps to whole original characters.
    let text = "Bœuf, sœur — candidate d’origine maghrébine";
    let f = &Guard::standard().check(text)[0];
    assert_eq!(f.words, "d’origine maghrébine");
    assert_eq!(&text[f.start..f.end], f.words);
}

#[test]
fn decomposed_accents_are_matched_and_kept_in_the_span() {
    let text = "Il est syndique\u{301}.";
    let f = &Guard::standard().check(text)[0];
    assert_eq!(f.words, "syndique\u{301}");
}

#[test]
fn words_inside_other_words_are_left_alone() {
    assert!(categories("syndicataire? non: syndicats? oui").contains(&Category::TradeUnion));
    assert!(categories("Gestion d'un syndic de copropriété").is_empty());
    assert!(categories("Hétérogène, hétérogénéité des données").is_empty());
    assert!(categories("La sourdine du piano").is_empty());
    assert!(categories("Megaunion? Reunion meeting").is_empty());
}

#[test]
fn inflections_match_through_prefix_entries() {
    for text in ["syndiqué", "syndiquée", "syndiqués", "SYNDIQUÉES", "se syndiquer"] {
        assert_eq!(categories(text), vec![Category::TradeUnion], "{text}");
    }
    for text in ["Handicapée", "handicapés", "en situation de handicap"] {
        assert_eq!(categories(text), vec![Category::Health], "{text}");
    }
}

#[test]
fn phrases_match_across_spaces_hyphens_apostrophes_and_line_breaks() {
    assert_eq!(categories("non-binaire"), vec![Category::SexLifeOrientation]);
    assert_eq!(categories("non   binaire"), vec![Category::SexLifeOrientation]);
    assert_eq!(categories("membre de la\nCGT"), vec![Category::TradeUnion]);
    assert_eq!(categories("d’origine  africaine"), vec![Category::RacialEthnicOrigin]);
    assert_eq!(categories("a union\nrep"), vec![Category::TradeUnion]);
}

#[test]
fn sentence_punctuation_ends_a_phrase() {
    assert!(categories("He left the union. Member of staff since 2019.").is_empty());
    assert_eq!(categories("the union member"), vec![Category::TradeUnion]);
}

#[test]
fn false_friends_are_left_alone() {
    for text in [
        "Fixed a race condition in the scheduler",
        "Policy work for the European Union",
        "the union of sets A and B",
        "SELECT a FROM t UNION ALL SELECT b FROM u",
        "Stage chez Christian Dior",
        "health check endpoint",
        "Diplômé de l'Université catholique de Lyon",
        "Parti en vacances",
        "Parle arabe couramment",
        "l'ADN de notre entreprise",
        "Marie Dupont a fait l'entretien",
        "10 ans d'expérience",
    ] {
        assert!(categories(text).is_empty(), "{text}: {:?}", Guard::standard().check(text));
    }
}

#[test]
fn accented_entries_need_their_accents() {
    assert_eq!(categories("Marié, deux enfants"), vec![Category::FamilySituation]);
    assert!(categories("Marie, Paul et Jean").is_empty());
}

#[test]
fn overlapping_findings_of_one_category_are_merged() {
    // "syndiqué à la CGT" is matched by several entries (syndiqu*, cgt, syndiqué ... fo).
    let findings = Guard::standard().check("syndiqué à la CGT");
    assert_eq!(findings.len(), 1);
    assert_eq!((findings[0].start, findings[0].end), (0, "syndiqué à la CGT".len()));

    let guard =
        Guard::from_vocab(&[("t", "health | refused | a b\nhealth | refused | b c\nage | warned | c\n")]).unwrap();
    let findings = guard.check("x a b c y");
    assert_eq!(findings.len(), 2);
    assert_eq!((findings[0].category, findings[0].words.as_str()), (Category::Health, "a b c"));
    assert_eq!((findings[1].category, findings[1].words.as_str()), (Category::Age, "c"));
}

#[test]
fn findings_are_sorted_by_start() {
    let findings = Guard::standard().check("Marié, 45 ans, syndiqué, musulman.");
    let starts: Vec<usize> = findings.iter().map(|f| f.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    assert_eq!(findings.len(), 4);
}

#[test]
fn an_empty_text_has_no_finding() {
    assert!(Guard::standard().check("").is_empty());
    assert!(Guard::standard().check("  \n\t ... ").is_empty());
    assert!(Guard::standard().verdict("").is_clean());
}

#[test]
fn numbers_in_ranges() {
    assert_eq!(categories("Elle a 45 ans"), vec![Category::Age]);
    assert!(categories("Il a 12 ans d'expérience").is_empty());
    assert_eq!(categories("He is 52 years old"), vec![Category::Age]);
    assert!(categories("5 years of experience").is_empty());
}

#[test]
fn verdict_and_messages() {
    let verdict = Guard::standard().verdict("Il est syndiqué, délégué CGT, et musulman. Il a 45 ans.");
    assert!(verdict.refused());
    assert!(verdict.warned());
    let message = refusal_message(&verdict.findings);
    assert!(message.starts_with("refused: trade-union membership (\"syndiqué\", \"délégué CGT\")"), "{message}");
    assert!(message.contains("religious or philosophical beliefs (\"musulman\")"), "{message}");
    assert!(!message.contains("45"), "{message}");
    assert_eq!(warning_message(&verdict.findings), "warned: age (\"a 45 ans\")");
    assert_eq!(refusal_message(&[]), "");
}

#[test]
fn categories_have_codes_labels_and_levels() {
    for category in Category::ALL {
        assert_eq!(Category::from_code(category.code()), Some(category));
        assert!(!category.label_en().is_empty() && !category.label_fr().is_empty());
    }
    assert_eq!(Category::TradeUnion.level(), Level::Refused);
    assert_eq!(Category::Age.level(), Level::Warned);
    assert_eq!(serde_json::to_string(&Category::SexLifeOrientation).unwrap(), "\"sex_life_orientation\"");
}

#[test]
fn vocabulary_errors_name_the_file_and_line() {
    let error = Guard::from_vocab(&[("x.txt", "# c\nhealth | warned | malade\n")]).unwrap_err();
    assert_eq!((error.file.as_str(), error.line), ("x.txt", 2));
    assert!(Guard::from_vocab(&[("x", "nope | refused | a")]).is_err());
    assert!(Guard::from_vocab(&[("x", "health | refused | a?")]).is_err());
    assert!(Guard::from_vocab(&[("x", "health | refused | ab*")]).is_err());
    assert!(Guard::from_vocab(&[("x", "health | refused | @missing")]).is_err());
    assert!(Guard::from_vocab(&[("x", "health | refused | (a|b")]).is_err());
}

#[test]
fn multi_word_alternatives_expand() {
    let guard = Guard::from_vocab(&[("t", "age | warned | (il y a|depuis) <n> ans\n")]).unwrap();
    assert_eq!(guard.check("il y a 3 ans").len(), 1);
    assert_eq!(guard.check("depuis 3 ans").len(), 1);
    assert!(guard.check("il y 3 ans").is_empty());
}

#[test]
fn a_megabyte_of_text_is_checked_in_one_pass() {
    let paragraph = "Développeuse Rust, 8 ans d’expérience, syndiquée à la CGT, parle arabe couramment. \
                     Worked on race conditions and the union of sets; marathon runner. ";
    let text = paragraph.repeat(1_000_000 / paragraph.len() + 1);
    let started = std::time::Instant::now();
    let findings = Guard::standard().check(&text);
    let repeats = text.len() / paragraph.len();
    assert_eq!(findings.len(), repeats);
    // Not a timing assertion (see DESIGN.md §10), just a figure in the test output.
    println!("1 MB checked in {:?}", started.elapsed());
    // One long word does not make prefix lookups quadratic either.
    let word = "a".repeat(1_000_000);
    assert!(Guard::standard().check(&word).is_empty());
}
