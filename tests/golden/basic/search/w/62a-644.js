SITEGEN_SEARCH_CHUNK("w/62a-644",{"تلخص":"1"});
