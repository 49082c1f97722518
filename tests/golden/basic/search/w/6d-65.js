SITEGEN_SEARCH_CHUNK("w/6d-65",{"mentions":"3","method":"0","methodology":"3"});
