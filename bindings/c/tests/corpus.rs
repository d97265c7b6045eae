//! The C host on a sample of the third-party corpus (100 templates, 20
//! plans, 20 files of Config items; `ward_tests::corpus_sample`): the C
//! program prints the embedding surface's JSON byte for byte, which the
//! command's corpus test holds to `ward check`'s. Built only with the
//! `corpus` feature (`.ci/run`'s corpus step).

mod common;

#[test]
fn the_c_host_answers_as_ward_check_on_a_corpus_sample() {
    let program = common::compile_check_program();
    let policy = ward_embed::Policy::from_stdlib().expect("the standard library compiles");
    for (folder, count) in [("cfn", 100), ("tfplan", 20), ("inventory", 20)] {
        let paths = ward_tests::corpus_sample(folder, count);
        common::assert_c_answers_as_the_surface(&program, &policy, &paths, folder);
    }
}
