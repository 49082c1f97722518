SITEGEN_SEARCH_CHUNK("w/639-646",{"عن":"1","عند":"1"});
