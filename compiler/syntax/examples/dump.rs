fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let parse = ward_syntax::parse(&text);
    println!("{:#?}", parse.errors);
    println!("{:#?}", parse.file);
}
