SITEGEN_SEARCH_CHUNK("w/639-646",{"عن":"2","عند":"2"});
